import Foundation
import Hummingbird
import LivretArchive
import LivretJury
import LivretModel

/// What `POST /api/jury-packages` takes: the centre, the session, and the candidates (INEs) or
/// divisions.
struct JuryPackageBody: Decodable {
    var centre: String
    var session: String
    var candidates: [String]?
    var divisions: [String]?
    var allowMissing: Bool?
}

/// A jury package as made or listed.
struct JuryPackageItem: Codable {
    var id: String
    var time: String?
    var centre: String
    var session: String
    var candidates: [String]
    var sha256: String?
    var download: String?
}

/// A candidate as a jury member sees it.
struct JuryCandidateItem: Codable {
    var ine: String
    var version: String
    var package: String
}

/// `/api/jury-packages` (create, list, download) and `/api/jury/candidates` (the jury's view).
func addJuryRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    let folder = services.juryPackagesFolder

    router.post("/api/jury-packages") { request, context -> Response in
        let principal = try await services.authorize(.makeJuryPackage, request, context)
        var request = request
        let body = try await request.collectBody(upTo: 1024 * 1024)
        let input: JuryPackageBody
        do {
            input = try JSONDecoder().decode(JuryPackageBody.self, from: body)
        } catch {
            throw Problem(.badRequest, detail: "the body is not a jury-package request", problems: [.init(field: "body", message: "\(error)")])
        }
        var problems: [Problem.Item] = []
        if let problem = JuryPackager.centreProblem(input.centre) { problems.append(.init(field: "centre", message: problem)) }
        if let problem = JuryPackager.sessionProblem(input.session) { problems.append(.init(field: "session", message: problem)) }
        let selection: JuryPackageRequest.Selection
        switch (input.candidates ?? [], input.divisions ?? []) {
        case (let ines, []) where !ines.isEmpty:
            for ine in ines where Identifiers.ineKind(ine) == nil { problems.append(.init(field: "candidates", message: "\(MessageText.quoted(ine)) is not an INE")) }
            selection = .candidates(ines)
        case ([], let divisions) where !divisions.isEmpty:
            for division in divisions where !UserStore.isCode(division) { problems.append(.init(field: "divisions", message: "not a division code")) }
            selection = .divisions(divisions)
        default:
            problems.append(.init(field: "candidates", message: "give either candidates (INEs) or divisions"))
            selection = .candidates([])
        }
        guard problems.isEmpty else { throw Problem(.unprocessableContent, detail: "the package cannot be made", problems: problems) }
        let result = try await services.makeJuryPackage(
            centre: input.centre, session: input.session, selection: selection, allowMissing: input.allowMissing ?? false,
            actor: principal.journalName)
        return try JSONResponse.make(JuryPackageItem(
            id: result.packageID, time: nil, centre: input.centre, session: input.session,
            candidates: result.candidates.map { "\($0.ine):\($0.status == .ok ? $0.version : $0.status.rawValue)" }, sha256: result.packageDigest,
            download: "/api/jury-packages/\(result.packageID)"), status: .created)
    }

    router.get("/api/jury-packages") { request, context -> Response in
        try await services.authorize(.readJuryPackages, request, context)
        let home = services.configuration.home
        let entries = try await services.executor.run { () throws -> [JournalEntry] in try JuryPackager.sent(archiveHome: home) }
        return try JSONResponse.make(entries.map { entry in
            let id = entry.package ?? ""
            let available = JuryPackageIDs.isID(id) && FileManager.default.fileExists(atPath: folder.appendingPathComponent(id + ".zip").path)
            return JuryPackageItem(
                id: id, time: entry.time, centre: entry.centre ?? "", session: entry.session ?? "", candidates: entry.candidates ?? [],
                sha256: entry.sha256, download: available ? "/api/jury-packages/\(id)" : nil)
        })
    }

    router.get("/api/jury-packages/:id") { request, context -> Response in
        try await services.authorize(.readJuryPackages, request, context)
        let id = try context.parameters.require("id")
        guard JuryPackageIDs.isID(id) else { throw Problem(.notFound, detail: "no such jury package") }
        let zip = folder.appendingPathComponent(id + ".zip")
        let data = try await services.executor.run { () -> Data? in try? Data(contentsOf: zip) }
        guard let data else { throw Problem(.notFound, detail: "no such jury package made by the service") }
        return Response(
            status: .ok, headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(id).zip\""],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    router.get("/api/jury/candidates") { request, context -> Response in
        let principal = try await services.authorize(.juryCandidates, request, context)
        let home = services.configuration.home
        let entries = try await services.executor.run { () throws -> [JournalEntry] in try JuryPackager.sent(archiveHome: home) }
        var items: [JuryCandidateItem] = []
        for entry in entries where entry.centre == principal.scope.centre && entry.session == principal.scope.session {
            for candidate in entry.candidates ?? [] {
                let parts = candidate.split(separator: ":").map(String.init)
                guard parts.count == 2, parts[1].hasPrefix("v") else { continue }
                items.append(JuryCandidateItem(ine: parts[0], version: parts[1], package: entry.package ?? ""))
            }
        }
        return try JSONResponse.make(items)
    }
}

/// Jury package ids (`<UAI>-<centre>-<session>-<12 hex>`), checked before they touch a path.
enum JuryPackageIDs {
    static func isID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 100 && id.first != "." && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
