import Foundation
import HTTPTypes
import Hummingbird
import LivretArchive
import LivretModel
import LivretPipeline

/// What `GET /api/pupils/{ine}/receipts` answers: the pupil's receipts issued and stubs returned,
/// from the journal (as `livret receipt ls` reads them).
struct PupilReceipts: Codable {
    /// A receipt issued.
    struct Issued: Codable {
        var time: String
        /// The livret version it names.
        var version: String?
        /// SHA-256 of the receipt's PDF.
        var sha256: String?
    }

    /// A returned stub archived.
    struct Stub: Codable {
        var time: String
        /// The archive version holding the scan.
        var version: String?
        /// Recorded without a readable QR code.
        var withoutQR: Bool
    }

    var ine: String
    /// `livret receipt ls`'s line for the pupil: the last receipt and whether its stub is back (nil: no receipt).
    var status: ReceiptLedger.Status?
    var issued: [Issued]
    var stubs: [Stub]
}

extension PupilReceipts {
    /// The receipts issued, oldest first, each back when a stub was recorded after it and before
    /// the next receipt (the pupil page's table); `stubLinks`: the scans' links by the archive
    /// version that holds them (empty for a role that may not open them).
    func rows(stubLinks: [String: String] = [:]) -> [PupilPage.Receipt] {
        issued.enumerated().map { index, receipt in
            let next = index + 1 < issued.count ? issued[index + 1].time : nil
            let back = stubs.last { $0.time >= receipt.time && (next == nil || $0.time < next!) }
            return PupilPage.Receipt(version: receipt.version ?? "—", revenu: back != nil, lien: back?.version.flatMap { stubLinks[$0] })
        }
    }
}

/// What `POST /api/pupils/{ine}/receipts/stub` answers.
struct StubRecorded: Codable {
    var ine: String
    var version: String
    var logicalPath: String
    /// The verification string read on the scan (nil: recorded without one).
    var code: String?
    var journalHead: String
}

extension LivretServices {
    /// The receipts issued to `ine` and the stubs returned, from the journal (``ReceiptLedger``).
    func receipts(ine: String, division: String?) async throws -> PupilReceipts {
        let journal = Journal(home: configuration.home)
        return try await executor.run { () throws -> PupilReceipts in
            let ledger = try ReceiptLedger(journal: journal, divisions: division.map { [ine: $0] } ?? [:])
            var issued: [PupilReceipts.Issued] = []
            var stubs: [PupilReceipts.Stub] = []
            for entry in try journal.entries() where entry.ine == ine {
                switch entry.action {
                case ReceiptLedger.receiptAction: issued.append(.init(time: entry.time, version: entry.version, sha256: entry.sha256))
                case ReceiptLedger.stubAction:
                    stubs.append(.init(time: entry.time, version: entry.version, withoutQR: entry.note?.hasPrefix(StubRecorder.noQRNote) == true))
                default: continue
                }
            }
            return PupilReceipts(ine: ine, status: ledger.last(for: ine), issued: issued, stubs: stubs)
        }
    }

    /// Archives a returned stub's scan with ``StubRecorder`` (the checks of `livret receipt record`).
    /// A refusal of the scan is thrown as it is (``StubRecorder/Refusal``: nothing archived; the
    /// API answers 422 with its English description, the web page words it in French); any other
    /// failure as a problem.
    func recordStub(ine: String, scan: Data, actor: String) async throws -> StubRecorder.Outcome {
        let recorder = StubRecorder(archive: archive, user: ArchiveUser(name: actor, address: nil))
        do {
            return try await executor.run { () throws(StubRecorder.Failure) -> StubRecorder.Outcome in
                try recorder.attempt(ine: ine, scan: scan, noQR: false)
            }
        } catch {
            switch error {
            case .refused(let refusal):
                throw refusal
            case .failed(.refused(let message)):
                throw Problem(.unprocessableContent, detail: "the stub is refused: nothing archived", problems: [.init(field: "scan", message: message)])
            case .failed(.busy):
                throw Problem(.serviceUnavailable, detail: "the archive is busy: try again", headers: [.retryAfter: "5"])
            case .failed(.io(let failure)):
                logger.error("stub.record.failed", metadata: ["error": "\(failure)"])
                throw Problem(.internalServerError, detail: "the stub could not be archived")
            case .failed(let other):
                // The archived livret the stub is checked against does not read (document, layout…).
                throw Problem(.unprocessableContent, detail: "the stub cannot be checked: nothing archived", problems: [.init(field: "scan", message: "\(other)")])
            }
        }
    }
}

/// `/api/pupils/{ine}/receipts`: the pupil's receipts (read journaled like a livret), a returned
/// stub recorded, and an archived stub's scan read back (chef, secrétariat; journaled).
func addReceiptRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.get("/api/pupils/:ine/receipts") { request, context -> Response in
        let principal = try await services.authorize(.readLivret, request, context)
        let ine = try context.parameters.require("ine")
        let line = LivretServices.requestLine(request)
        let pupil = try await services.visiblePupil(ine, principal: principal, address: context.address, request: line)
        let answer = try await services.receipts(ine: ine, division: pupil.scolarites.last(where: { $0.division != nil })?.division)
        try await services.recordConsultation(
            principal: principal, address: context.address, request: line, ine: ine, version: answer.status?.version, sha256: nil)
        var response = try JSONResponse.make(answer)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    router.post("/api/pupils/:ine/receipts/stub") { request, context -> Response in
        let principal = try await services.authorize(.recordStub, request, context)
        let ine = try context.parameters.require("ine")
        _ = try await services.visiblePupil(ine, principal: principal, address: context.address, request: LivretServices.requestLine(request))
        var request = request
        let body = try await request.collectBody(upTo: services.configuration.maxScanBytes)
        let scan = Data([UInt8](buffer: body))
        let outcome: StubRecorder.Outcome
        do {
            outcome = try await services.recordStub(ine: ine, scan: scan, actor: principal.journalName)
        } catch let refusal as StubRecorder.Refusal {
            throw Problem(.unprocessableContent, detail: "the stub is refused: nothing archived", problems: [.init(field: "scan", message: refusal.message(name: "the scan"))])
        }
        return try JSONResponse.make(
            StubRecorded(ine: ine, version: outcome.version, logicalPath: outcome.logicalPath, code: outcome.code?.description, journalHead: outcome.journalHead),
            status: .created)
    }

    router.get("/api/pupils/:ine/stubs/:n") { request, context -> Response in
        let principal = try await services.authorize(.readStub, request, context)
        let ine = try context.parameters.require("ine")
        let read = try await services.readStub(
            ine: ine, number: try context.parameters.require("n"), year: request.uri.queryParameters.get("year"), principal: principal,
            address: context.address, request: LivretServices.requestLine(request))
        let headers: HTTPFields = [
            .contentType: read.stub.contentType,
            .cacheControl: "no-store",
            .contentDisposition: "inline; filename=\"talon-\(ine)-\(read.stub.annee)-\(read.stub.number).\(read.stub.fileExtension)\"",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: read.data)))
    }
}
