import Foundation
import Hummingbird
import LivretArchive
import LivretModel

/// A pupil as listed: INE, head version, school years and divisions (no name, no mark).
struct PupilListItem: Codable {
    var ine: String
    var head: String
    var updated: String
    var scolarites: [ObjectSummary.Scolarite]
}

/// A version of a pupil's object.
struct VersionItem: Codable {
    var version: String
    var created: String
    var added: [String]
    var modified: [String]
    var removed: [String]
}

/// `/api/pupils…`: the pupils a user may see, their versions, their livrets (each read journaled).
func addPupilRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.get("/api/pupils") { request, context -> Response in
        let principal = try await services.authorize(.listPupils, request, context)
        let division = request.uri.queryParameters.get("division")
        let year = request.uri.queryParameters.get("year")
        var problems: [Problem.Item] = []
        if let division, !UserStore.isCode(division) { problems.append(.init(field: "division", message: "not a division code")) }
        if let year, !(Identifiers.isSchoolYear(year) || (year.count == 4 && year.allSatisfy { $0.isASCII && $0.isNumber })) {
            problems.append(.init(field: "year", message: "not a school year (2015 or 2015-2016)"))
        }
        guard problems.isEmpty else { throw Problem(.badRequest, detail: "invalid query", problems: problems) }
        let pupils = try await services.pupils(ObjectFilter(division: division, year: year), principal: principal)
        return try JSONResponse.make(pupils.map { PupilListItem(ine: $0.ine ?? "", head: $0.head, updated: $0.updated, scolarites: $0.scolarites) })
    }

    router.get("/api/pupils/:ine/versions") { request, context -> Response in
        let principal = try await services.authorize(.readLivret, request, context)
        let ine = try context.parameters.require("ine")
        _ = try await services.visiblePupil(ine, principal: principal, address: context.address, request: LivretServices.requestLine(request))
        let archive = services.archive
        let inventory = try await services.executor.run { try archive.inventory(ine: ine) }
        return try JSONResponse.make(Archive.history(inventory).map {
            VersionItem(version: $0.name, created: $0.created, added: $0.added, modified: $0.modified, removed: $0.removed)
        })
    }

    for format in ["pdf", "json"] {
        router.get("/api/pupils/:ine/livret.\(format)") { request, context -> Response in
            let principal = try await services.authorize(.readLivret, request, context)
            let ine = try context.parameters.require("ine")
            let read = try await services.readLivret(
                ine: ine, format: format, version: request.uri.queryParameters.get("version"), year: request.uri.queryParameters.get("year"),
                principal: principal, address: context.address, request: LivretServices.requestLine(request))
            var headers: HTTPFields = [
                .contentType: format == "pdf" ? "application/pdf" : "application/json",
                .cacheControl: "no-store",
            ]
            headers[.contentDisposition] = "inline; filename=\"\(ine)-\(read.year)-\(read.version).\(format)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: read.data)))
        }
    }
}
