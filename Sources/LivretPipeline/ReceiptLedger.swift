import Foundation
import LivretArchive
import LivretModel

/// Which receipts were issued and which stubs came back, read from the journal: per pupil, the
/// last receipt issued (the livret version it names) and whether a stub was recorded after it.
public struct ReceiptLedger: Sendable {
    /// The journal action of an issued receipt.
    public static let receiptAction = "receipt"
    /// The journal action of a returned stub archived.
    public static let stubAction = "stub-returned"

    /// One pupil's receipts.
    public struct Status: Codable, Sendable, Hashable {
        /// The pupil's INE.
        public var ine: String
        /// The division, as the archive recorded it (nil: not known).
        public var division: String?
        /// The livret version named by the last receipt issued.
        public var version: String
        /// When the last receipt was issued (journal time, UTC).
        public var issued: String
        /// Receipts issued in all.
        public var receipts: Int
        /// When the stub of the last receipt was recorded; nil: not back.
        public var returned: String?
        /// The archive version holding the returned scan.
        public var returnedVersion: String?
        /// Whether that scan was recorded without a readable QR code (`--no-qr`).
        public var returnedWithoutQR: Bool?
    }

    /// Every pupil with a receipt, by INE.
    public var statuses: [Status]

    /// The ledger of the journal `journal`; `divisions` gives each INE's division (from the archive).
    public init(journal: Journal, divisions: [String: String] = [:]) throws {
        var byINE: [String: Status] = [:]
        for entry in try journal.entries() {
            guard let ine = entry.ine else { continue }
            switch entry.action {
            case Self.receiptAction:
                let count = (byINE[ine]?.receipts ?? 0) + 1
                byINE[ine] = Status(ine: ine, division: divisions[ine], version: entry.version ?? "", issued: entry.time, receipts: count)
            case Self.stubAction:
                guard var status = byINE[ine] else { continue }
                status.returned = entry.time
                status.returnedVersion = entry.version
                status.returnedWithoutQR = entry.note?.hasPrefix(StubRecorder.noQRNote) == true
                byINE[ine] = status
            default:
                continue
            }
        }
        statuses = byINE.values.sorted { ($0.division ?? "", $0.ine) < ($1.division ?? "", $1.ine) }
    }

    /// The last receipt issued to `ine` (nil: none journaled).
    public func last(for ine: String) -> Status? { statuses.first { $0.ine == ine } }
}
