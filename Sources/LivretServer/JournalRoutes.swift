import Foundation
import Hummingbird
import LivretArchive
import LivretModel

/// What `GET /api/journal/verify` answers.
struct JournalVerification: Codable {
    var entries: Int
    var intact: Bool
    var head: String?
    var problem: String?
}

/// `/api/journal`: read and verify the journal (chef d'établissement, archiviste).
func addJournalRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.get("/api/journal") { request, context -> Response in
        try await services.authorize(.journal, request, context)
        let ine = request.uri.queryParameters.get("ine")
        var problems: [Problem.Item] = []
        if let ine, Identifiers.ineKind(ine) == nil { problems.append(.init(field: "ine", message: "not an INE")) }
        let after = request.uri.queryParameters.get("after").map { Int($0) } ?? 0
        if after == nil || after! < 0 { problems.append(.init(field: "after", message: "not a sequence number (0 or more)")) }
        let limit = request.uri.queryParameters.get("limit").map { Int($0) } ?? 1000
        if limit == nil || limit! < 1 || limit! > 10000 { problems.append(.init(field: "limit", message: "not a number from 1 to 10000")) }
        guard problems.isEmpty else { throw Problem(.badRequest, detail: "invalid query", problems: problems) }
        let journal = services.journal.journal
        var entries = try await services.executor.run { try journal.entries() }
        entries = entries.filter { $0.seq > after! && (ine == nil || $0.ine == ine) }
        return try JSONResponse.make(Array(entries.prefix(limit!)))
    }
    router.get("/api/journal/verify") { request, context -> Response in
        try await services.authorize(.journal, request, context)
        let text = request.uri.queryParameters.get("witness")
        let witness = text.flatMap { Journal.Head($0) }
        if text != nil && witness == nil {
            throw Problem(.badRequest, detail: "invalid query", problems: [.init(field: "witness", message: "not SEQ:SHA256 (64 hex digits)")])
        }
        let journal = services.journal.journal
        let report = try await services.executor.run { try journal.verify(witness: witness) }
        return try JSONResponse.make(JournalVerification(entries: report.count, intact: report.problem == nil, head: report.head?.description, problem: report.problem))
    }
}
