import Foundation
import LivretArchive
import LivretModel
import LivretPipeline

/// A returned stub's scan in a pupil's object: `<année>/recepisse-retour-<n>.<ext>`, as
/// ``StubRecorder`` archives it.
struct ArchivedStub: Sendable, Hashable {
    /// The school year (`2015-2016`).
    var annee: String
    /// `n`, from 1 within the année.
    var number: Int
    /// `pdf`, `png` or `jpg`.
    var fileExtension: String
    /// The version that added it.
    var version: String
    /// When that version was made (ISO 8601).
    var created: String

    var logicalPath: String { "\(annee)/recepisse-retour-\(number).\(fileExtension)" }

    /// The media type of the scan (from the extension the recorder chose from its first bytes).
    var contentType: String {
        switch fileExtension {
        case "pdf": "application/pdf"
        case "png": "image/png"
        default: "image/jpeg"
        }
    }

    /// The stub at `logicalPath`, or nil when the path is not a stub's.
    init?(logicalPath: String, version: String, created: String) {
        let parts = logicalPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, LivretServices.isSchoolYear(String(parts[0])), parts[1].hasPrefix("recepisse-retour-") else { return nil }
        let file = parts[1].dropFirst("recepisse-retour-".count)
        guard let dot = file.lastIndex(of: "."), let number = ArchivedStub.number(String(file[..<dot])) else { return nil }
        let ext = String(file[file.index(after: dot)...])
        guard ["pdf", "png", "jpg"].contains(ext) else { return nil }
        self.init(annee: String(parts[0]), number: number, fileExtension: ext, version: version, created: created)
    }

    init(annee: String, number: Int, fileExtension: String, version: String, created: String) {
        self.annee = annee
        self.number = number
        self.fileExtension = fileExtension
        self.version = version
        self.created = created
    }

    /// `text` as a stub number: 1 to 99999, decimal digits, no leading zero; else nil.
    static func number(_ text: String) -> Int? {
        guard (1...5).contains(text.count), text.first != "0", text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}

extension LivretServices {
    /// The stubs archived in `inventory`, in the order they were recorded (each with the version
    /// that added it).
    static func stubs(in inventory: OCFLInventory) -> [ArchivedStub] {
        Archive.history(inventory).flatMap { info in
            info.added.compactMap { ArchivedStub(logicalPath: $0, version: info.name, created: info.created) }
        }
    }

    /// The stubs archived for `ine` (the pupil's visibility is the caller's to check).
    func stubs(ine: String) async throws -> [ArchivedStub] {
        let archive = self.archive
        let inventory = try await executor.run { try archive.inventory(ine: ine) }
        return Self.stubs(in: inventory)
    }

    /// The scan of stub `number` of `ine` (in `year`, default the latest année holding a stub of
    /// that number), read for `principal` and recorded in the journal as a consultation first.
    /// `number` and `year` are checked (400) before the archive is asked; 404 when the pupil may
    /// not be seen or holds no such stub.
    func readStub(
        ine: String, number text: String, year: String?, principal: Principal, address: String?, request: String
    ) async throws -> (data: Data, stub: ArchivedStub) {
        var problems: [Problem.Item] = []
        let number = ArchivedStub.number(text)
        if number == nil { problems.append(.init(field: "n", message: "not a stub number (1, 2…)")) }
        if let year, !Self.isSchoolYear(year) { problems.append(.init(field: "year", message: "not a school year (2015-2016)")) }
        guard problems.isEmpty, let number else { throw Problem(.badRequest, detail: "invalid request", problems: problems) }
        _ = try await visiblePupil(ine, principal: principal, address: address, request: request)
        let stub = try await stubs(ine: ine).filter { $0.number == number && (year == nil || $0.annee == year) }.max { $0.annee < $1.annee }
        guard let stub else {
            throw Problem(.notFound, detail: "no returned stub \(number)\(year.map { " for \($0)" } ?? "") of this pupil")
        }
        let archive = self.archive
        let data = try await executor.run { try archive.get(ine: ine, logicalPath: stub.logicalPath, version: stub.version) }
        try await recordConsultation(principal: principal, address: address, request: request, ine: ine, version: stub.version, sha256: Digests.sha256(data))
        return (data, stub)
    }
}
