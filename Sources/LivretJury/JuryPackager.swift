import Foundation
import LivretArchive
import LivretModel
import LivretSign
import Logging
import X509

/// What to package.
public struct JuryPackageRequest: Sendable {
    /// Who the candidates are.
    public enum Selection: Sendable {
        /// These INEs (from `--candidates list.csv`).
        case candidates([String])
        /// Every pupil whose latest school year in the archive is in one of these divisions.
        case divisions([String])
    }

    /// The lycée's archive home.
    public var archiveHome: URL
    /// The deliberation centre's code (letters, digits, `-`, `_`; 1 to 32).
    public var centre: String
    /// The session, `YYYY-MM`.
    public var session: String
    public var selection: Selection
    /// Package even when candidates are absent or unsigned (they are listed as such in the index).
    public var allowMissing: Bool
    /// The Bagging-Date and journal time.
    public var date: Date
    /// Who makes the package (journal actor, `Name <address>`).
    public var actor: String

    /// A request; see the properties.
    public init(archiveHome: URL, centre: String, session: String, selection: Selection, allowMissing: Bool = false,
                date: Date = Date(), actor: String) {
        self.archiveHome = archiveHome
        self.centre = centre
        self.session = session
        self.selection = selection
        self.allowMissing = allowMissing
        self.date = date
        self.actor = actor
    }
}

/// What was made.
public struct JuryPackageResult: Sendable {
    /// The package id (External-Identifier): `<UAI>-<centre>-<session>-<12 hex of the SHA-256 of data/index.csv>`.
    public var packageID: String
    /// The bag folder.
    public var bag: URL
    /// The candidates in index order.
    public var candidates: [JuryCandidate]
    /// SHA-256 of `tagmanifest-sha512.txt` (the signed file, which covers every other one).
    public var packageDigest: String
    /// The lycée's journal head after the package's entry.
    public var journalHead: String
}

/// Builds a jury package: a BagIt 1.0 bag of the latest archived livret of each candidate, with a
/// CSV and PDF index, `bag-info.txt`, SHA-512 manifests, the lycée's journal head as a tag file and
/// a detached CMS signature of the tag manifest; recorded in the lycée's journal.
public enum JuryPackager {
    /// The tag file carrying the lycée's journal head (covered by the signed tag manifest).
    public static let journalHeadFile = "livret-journal-head.txt"
    /// The detached signature of the tag manifest.
    public static let signatureFile = "tagmanifest-sha512.txt.p7s"

    /// Checks a centre code: 1 to 32 letters, digits, `-` or `_`.
    public static func centreProblem(_ code: String) -> String? {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        guard !code.isEmpty, code.count <= 32, code.unicodeScalars.allSatisfy(allowed.contains) else {
            return "centre code '\(code)' must be 1 to 32 letters, digits, - or _"
        }
        return nil
    }

    /// Checks a session: `YYYY-MM`.
    public static func sessionProblem(_ session: String) -> String? {
        let parts = session.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
              let year = Int(parts[0]), year >= 1900, let month = Int(parts[1]), (1...12).contains(month) else {
            return "session '\(session)' is not YYYY-MM (e.g. 2016-06)"
        }
        return nil
    }

    /// Makes the package in a new folder under `outputFolder` (named by the package id), signed by
    /// `identity`, and appends its journal entry. `indexPDF` draws `data/index.pdf` from the lines
    /// (nil: no PDF index). Nothing is left behind when it fails.
    public static func make(_ request: JuryPackageRequest, identity: SigningIdentity, outputFolder: URL,
                            logger: Logger = Logger(label: "livret.archive"),
                            indexPDF: (@Sendable (_ header: JuryIndexHeader, _ candidates: [JuryCandidate]) throws -> Data)? = nil)
        async throws(JuryError) -> JuryPackageResult {
        if let problem = centreProblem(request.centre) { throw JuryError(.usage, problem) }
        if let problem = sessionProblem(request.session) { throw JuryError(.usage, problem) }
        let home = request.archiveHome.standardizedFileURL
        guard FileManager.default.fileExists(atPath: home.appendingPathComponent("ocfl-root/0=ocfl_1.1").path) else {
            throw JuryError(.usage, "\(home.path): no archive here (no ocfl-root/0=ocfl_1.1)")
        }
        let archive: Archive
        do { archive = try Archive(home: home, logger: logger) } catch { throw JuryError(.io, "\(home.path): \(error)") }
        let uai = CertificateSummary.uai(in: identity.certificate.subject)
        guard let uai else { throw JuryError(.key, "the signing certificate names no UAI (OU=UAI …)") }

        // The candidates.
        var ines: [String]
        switch request.selection {
        case .candidates(let list):
            ines = list
        case .divisions(let codes):
            let summaries: [ObjectSummary]
            do { summaries = try archive.list() } catch { throw JuryError(.io, "\(home.path): \(error)") }
            ines = summaries.filter { summary in
                guard let division = summary.scolarites.last?.division else { return false }
                return codes.contains(division)
            }.compactMap(\.ine)
            if ines.isEmpty { throw JuryError(.candidates, "no pupil of the archive is in \(codes.joined(separator: ", "))") }
        }
        ines = Array(Set(ines)).sorted()

        let verifier = SignatureVerifier(trusted: [identity.certificate] + identity.chain)
        var candidates: [JuryCandidate] = []
        var payload: [(path: String, data: Data)] = []
        var problems: [String] = []
        var etablissement: Etablissement?
        for ine in ines {
            guard let inventory = try? archive.inventory(ine: ine) else {
                problems.append("\(ine): not in the archive")
                candidates.append(JuryCandidate(ine: ine, status: .absent))
                continue
            }
            let paths = inventory.logicalPaths(in: inventory.head).keys
            guard let year = paths.compactMap({ path -> String? in
                let parts = path.split(separator: "/")
                return parts.count == 2 && parts[1] == "livret.pdf" && paths.contains("\(parts[0])/livret.json") ? String(parts[0]) : nil
            }).max() else {
                problems.append("\(ine): no archived livret (no <année>/livret.pdf with its livret.json)")
                candidates.append(JuryCandidate(ine: ine, status: .absent))
                continue
            }
            let pdf: Data, json: Data, document: LivretDocument
            do {
                pdf = try archive.get(ine: ine, logicalPath: "\(year)/livret.pdf")
                json = try archive.get(ine: ine, logicalPath: "\(year)/livret.json")
                document = try LivretDocument.decode(json, source: "\(ine) \(inventory.head) \(year)/livret.json")
            } catch {
                throw JuryError(.io, "\(ine): the archived livret cannot be read: \(error)")
            }
            let scolarite = document.scolarites.first { $0.anneeLabel == year }
            var candidate = JuryCandidate(
                ine: ine, nom: document.eleve.nom, prenoms: document.eleve.prenoms,
                division: scolarite?.division ?? document.eleve.division ?? "", serie: document.eleve.serie ?? "",
                annee: year, version: inventory.head, sha256: BagIt.sha256(pdf), pages: 0, status: .ok)
            let verdict = await verifier.verify(pdf: [UInt8](pdf))
            guard verdict.isAuthentic else {
                problems.append("\(ine) (\(document.eleve.nom) \(document.eleve.prenoms)): latest livret \(year) \(inventory.head) is not signed by \(uai): \(verdict.message)")
                candidate.status = .unsigned
                candidate.sha256 = ""
                candidates.append(candidate)
                continue
            }
            do {
                candidate.pages = try PDFPageCount.count([UInt8](pdf), name: "\(ine) \(year)/livret.pdf")
            } catch {
                throw JuryError(.io, "\(error)")
            }
            if etablissement == nil { etablissement = document.etablissement }
            candidates.append(candidate)
            payload.append(("data/\(ine)/livret.pdf", pdf))
            payload.append(("data/\(ine)/livret.json", json))
        }
        if !problems.isEmpty && !request.allowMissing {
            throw JuryError(.candidates, "no package made: \(problems.count) candidate(s) cannot be packaged (give --allow-missing to list them as missing)",
                            details: problems)
        }
        guard payload.count > 0 else { throw JuryError(.candidates, "no package made: no candidate has a signed livret", details: problems) }
        candidates.sort { FrenchCollation.precedes(($0.nom, $0.prenoms, $0.ine), ($1.nom, $1.prenoms, $1.ine)) }

        let header = JuryIndexHeader(etablissement: etablissement?.nom ?? uai, uai: uai, centre: request.centre, session: request.session,
                                     date: day(request.date))
        payload.append(("data/index.csv", JuryIndexCSV.encode(candidates)))
        if let indexPDF {
            let unsigned: Data
            do { unsigned = try indexPDF(header, candidates) } catch { throw JuryError(.io, "data/index.pdf: \(error)") }
            do {
                let signed = try PAdESSigner(signer: identity.signer).sign(pdf: [UInt8](unsigned), date: request.date, name: "index.pdf")
                payload.append(("data/index.pdf", Data(signed)))
            } catch {
                throw JuryError(.key, "data/index.pdf: \(error)")
            }
        }

        // Tag files. The id comes from the index, which names every livret by its SHA-256 (the
        // signed index.pdf differs from one run to the next by its signature).
        let manifest = Data(BagIt.manifest(payload).utf8)
        let packageID = "\(uai)-\(request.centre)-\(request.session)-\(BagIt.sha256(JuryIndexCSV.encode(candidates)).prefix(12))"
        let octets = payload.reduce(0) { $0 + $1.data.count }
        let address = [etablissement?.adresse, [etablissement?.codePostal, etablissement?.commune].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        var info: [(String, String)] = [("Source-Organization", "\(header.etablissement) (UAI \(uai))")]
        if !address.isEmpty { info.append(("Organization-Address", address)) }
        info.append(("Contact-Name", etablissement?.chefEtablissement?.displayName ?? request.actor))
        info += [
            ("External-Identifier", packageID),
            ("Bagging-Date", header.date),
            ("Payload-Oxum", "\(octets).\(payload.count)"),
            ("Bag-Size", BagIt.humanSize(octets)),
            ("Internal-Sender-Description",
             "Livrets scolaires pour le centre de délibération \(request.centre), session \(request.session): \(candidates.filter { $0.status == .ok }.count) candidat(s)"),
        ]
        let bagInfo = Data(info.map { "\($0.0): \(oneLine($0.1))\n" }.joined().utf8)
        let journal = Journal(home: home)
        let report: Journal.Report
        do { report = try journal.verify() } catch { throw JuryError(.io, "\(journal.url.path): \(error)") }
        if let problem = report.problem { throw JuryError(.io, "\(journal.url.path): the journal is broken (\(problem)): no package made") }
        let headLine = report.head.map { "Journal-Head: \($0.seq):\($0.sha256)\n" } ?? "Journal-Head: 0:\(Journal.genesis)\n"
        // The same head signed with the lycée's key (`livret journal verify --witness` takes it).
        let signedLine = report.head.flatMap { head in
            (try? SignedJournalHead.sign(uai: uai, seq: head.seq, sha256: head.sha256, time: Date(), signer: identity.signer))
                .map { "Journal-Head-Signed: \($0)\n" }
        } ?? ""
        let journalHead = Data((headLine + "Journal-UAI: \(uai)\n" + signedLine).utf8)
        var tags: [(path: String, data: Data)] = [
            ("bagit.txt", Data(BagIt.declaration.utf8)),
            ("bag-info.txt", bagInfo),
            ("manifest-sha512.txt", manifest),
            (journalHeadFile, journalHead),
        ]
        let tagManifest = Data(BagIt.manifest(tags).utf8)
        let signature: [UInt8]
        do { signature = try CMSSignedData.detached(content: tagManifest, signer: identity.signer) } catch {
            throw JuryError(.key, "cannot sign the tag manifest: \(error)")
        }
        tags.append(("tagmanifest-sha512.txt", tagManifest))
        tags.append((signatureFile, Data(signature)))

        // Written in a temporary sibling, then renamed into place.
        let final = outputFolder.standardizedFileURL.appendingPathComponent(packageID)
        if FileManager.default.fileExists(atPath: final.path) {
            throw JuryError(.usage, "\(final.path) already exists: nothing was written (the same package was already made there)")
        }
        do {
            try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        } catch { throw JuryError(.io, "\(outputFolder.path): cannot create the folder: \(error.localizedDescription)") }
        let temporary = AtomicFile.temporarySibling(of: final)
        do {
            for (path, data) in payload + tags { try writeSynced(data, to: temporary.appendingPathComponent(path)) }
            if rename(temporary.path, final.path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw JuryError(.io, "\(final.path): cannot write the package: \(error)")
        }
        let digest = BagIt.sha256(tagManifest)
        let head: Journal.Head
        do {
            head = try journal.append(JournalEntry(
                time: request.date, actor: request.actor, action: "jury-package", centre: request.centre, session: request.session,
                package: packageID, candidates: candidates.map { "\($0.ine):\($0.status == .ok ? $0.version : $0.status.rawValue)" },
                sha256: digest))
        } catch {
            try? FileManager.default.removeItem(at: final)
            throw JuryError(.io, "\(journal.url.path): cannot record the package, so it was removed: \(error)")
        }
        return JuryPackageResult(packageID: packageID, bag: final, candidates: candidates, packageDigest: digest, journalHead: head.description)
    }

    /// The packages recorded in the journal of `archiveHome`, oldest first.
    public static func sent(archiveHome: URL) throws(JuryError) -> [JournalEntry] {
        do {
            return try Journal(home: archiveHome.standardizedFileURL).entries().filter { $0.action == "jury-package" }
        } catch { throw JuryError(.io, "\(archiveHome.path): \(error)") }
    }

    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func writeSynced(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}

/// The heading of the PDF index.
public struct JuryIndexHeader: Sendable, Equatable {
    public var etablissement: String
    public var uai: String
    public var centre: String
    public var session: String
    /// `YYYY-MM-DD`.
    public var date: String
}
