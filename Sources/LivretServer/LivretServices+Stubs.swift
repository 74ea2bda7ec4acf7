import Foundation
import LivretArchive
import LivretModel
import LivretPipeline

extension LivretServices {
    /// The stubs archived for `ine` (the pupil's visibility is the caller's to check).
    func stubs(ine: String) async throws -> [ArchivedStub] {
        let archive = self.archive
        let inventory = try await executor.run { try archive.inventory(ine: ine) }
        return ArchivedStub.all(in: inventory)
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
        if let year, !Identifiers.isSchoolYear(year) { problems.append(.init(field: "year", message: "not a school year (2015-2016)")) }
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
