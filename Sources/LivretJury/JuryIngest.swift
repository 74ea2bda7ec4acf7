import Foundation
import LivretArchive
import LivretModel
import Logging
import X509

/// What an ingest did.
public struct JuryIngestResult: Sendable {
    /// The verification that allowed it.
    public var verification: JuryVerification
    /// Each candidate ingested with what the archive did (`created v2`, `unchanged v1`).
    public var results: [(ine: String, result: PutResult)]
}

/// Puts a verified jury package into a centre's own OCFL archive: one object per candidate (as at
/// a lycée), each version's message naming the lycée's UAI and the package id.
public enum JuryIngest {
    /// Verifies `bag` (refusing, with nothing written, when it is not valid), then puts each
    /// candidate's livret and source into the archive at `archiveHome` and records the package in
    /// the centre's journal when it added a version. The same package twice adds nothing.
    public static func ingest(bagOrZip path: URL, archiveHome: URL, trusted: [Certificate], user: ArchiveUser = .current,
                              date: Date = Date(), logger: Logger = Logger(label: "livret.archive")) async throws(JuryError) -> JuryIngestResult {
        do {
            return try await JuryZip.withBag(path) { bag throws(JuryError) in
                try await ingest(bag: bag, archiveHome: archiveHome, trusted: trusted, user: user, date: date, logger: logger)
            }
        } catch where error.code == .refused && error.details.isEmpty {
            throw JuryError(.refused, "package refused: nothing was written to the archive", details: [error.message])
        }
    }

    /// Ingests the bag folder `bag` (see ``ingest(bagOrZip:archiveHome:trusted:user:date:logger:)``).
    public static func ingest(bag: URL, archiveHome: URL, trusted: [Certificate], user: ArchiveUser = .current,
                              date: Date = Date(), logger: Logger = Logger(label: "livret.archive")) async throws(JuryError) -> JuryIngestResult {
        let verification = await JuryVerifier(trusted: trusted).verify(bag: bag)
        guard verification.isValid, let uai = verification.uai, let packageID = verification.packageID else {
            throw JuryError(.refused, "package refused: nothing was written to the archive",
                            details: verification.problems.isEmpty ? ["the signer names no UAI"] : verification.problems)
        }
        let archive: Archive
        do { archive = try Archive(home: archiveHome.standardizedFileURL, logger: logger) } catch { throw JuryError(.io, "\(archiveHome.path): \(error)") }
        var results: [(ine: String, result: PutResult)] = []
        let root = bag.standardizedFileURL
        let session = verification.info["Internal-Sender-Description"].flatMap(session(in:))
        for candidate in verification.candidates where candidate.status == .ok {
            let folder = root.appendingPathComponent("data/\(candidate.ine)")
            do {
                let result = try archive.put(
                    ine: candidate.ine,
                    files: [ArchiveFile(logicalPath: "\(candidate.annee)/livret.pdf", contentsOf: folder.appendingPathComponent("livret.pdf")),
                            ArchiveFile(logicalPath: "\(candidate.annee)/livret.json", contentsOf: folder.appendingPathComponent("livret.json"))],
                    // One line (archive put refuses control characters in a message): the fields
                    // that `received(in:uai:session:)` filters on follow, separated by "; ".
                    message: "Reçu du lycée \(uai) dans le paquet \(packageID) (\(candidate.version) du lycée); "
                        + "\(uaiTrailer)\(uai); \(sessionTrailer)\(session ?? "?")",
                    user: user, metadata: ArchiveMetadata(division: candidate.division.isEmpty ? nil : candidate.division, year: candidate.annee),
                    created: date)
                results.append((candidate.ine, result))
            } catch {
                throw JuryError(.io, "\(candidate.ine): cannot put into \(archiveHome.path): \(error)")
            }
        }
        if results.contains(where: { if case .created = $0.result { return true } else { return false } }) {
            do {
                try Journal(home: archiveHome.standardizedFileURL).append(JournalEntry(
                    time: date, actor: user.address.map { "\(user.name) <\($0)>" } ?? user.name, action: "jury-ingest",
                    centre: verification.info["Internal-Sender-Description"].flatMap(centre(in:)) ?? "",
                    session: verification.info["Internal-Sender-Description"].flatMap(session(in:)) ?? "",
                    package: packageID, candidates: results.map { "\($0.ine):\($0.result.version)" }, uai: uai,
                    sha256: verification.packageDigest ?? ""))
            } catch {
                throw JuryError(.io, "\(archiveHome.path): the livrets were archived but the journal entry failed: \(error)")
            }
        }
        return JuryIngestResult(verification: verification, results: results)
    }

    /// The version-message field naming the lycée that sent a livret.
    public static let uaiTrailer = "livret-uai: "
    /// The version-message field naming the session of the package.
    public static let sessionTrailer = "livret-session: "

    /// The INEs of the objects of `archive` that some version received from the lycée `uai` and/or
    /// for `session` (from the version messages' `livret-uai:` and `livret-session:` fields).
    public static func received(in archive: Archive, uai: String?, session: String?) throws -> Set<String> {
        var result = Set<String>()
        for summary in try archive.list() {
            guard let ine = summary.ine else { continue }
            let inventory = try archive.inventory(ine: ine)
            for name in inventory.versionNames {
                // The archive adds its own metadata lines to a message (`livret-division: …`).
                let lines = (inventory.versions[name]?.message ?? "").components(separatedBy: "\n").flatMap { $0.components(separatedBy: "; ") }
                if let uai, !lines.contains(uaiTrailer + uai) { continue }
                if let session, !lines.contains(sessionTrailer + session) { continue }
                result.insert(ine)
                break
            }
        }
        return result
    }

    /// The centre named in Internal-Sender-Description (`… centre de délibération CODE, session YYYY-MM…`).
    static func centre(in description: String) -> String? {
        guard let range = description.range(of: "centre de délibération ") else { return nil }
        return String(description[range.upperBound...].prefix { $0 != "," && $0 != " " })
    }

    static func session(in description: String) -> String? {
        guard let range = description.range(of: "session ") else { return nil }
        return String(description[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
    }
}
