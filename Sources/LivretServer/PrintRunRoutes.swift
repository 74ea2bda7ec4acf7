import Foundation
import Hummingbird
import LivretArchive
import LivretModel
import LivretPipeline
import LivretSign

/// What `POST /api/print-runs` takes.
struct PrintRunRequest: Decodable {
    /// The dataset's id (from `POST /api/imports` or `GET /api/datasets`).
    var dataset: String
    /// The divisions to print; absent or empty with `all`: every division.
    var divisions: [String]?
    var all: Bool?
    var simplex: Bool?
    /// The date printed on the hand-over sheets (default: today in Europe/Paris).
    var date: String?
    /// Also write a hand-over receipt per pupil printed (as `livret print-run --receipts`).
    var receipts: Bool?
}

/// `/api/print-runs`: start (202 and a job), follow (state, server-sent events), download.
func addPrintRunRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.post("/api/print-runs") { request, context -> Response in
        let principal = try await services.authorize(.printRun, request, context)
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let input: PrintRunRequest
        do {
            input = try JSONDecoder().decode(PrintRunRequest.self, from: body)
        } catch {
            throw Problem(.badRequest, detail: "the body is not a print-run request", problems: [.init(field: "body", message: "\(error)")])
        }
        var problems: [Problem.Item] = []
        let dataset = services.datasets.folder(input.dataset)
        if dataset == nil { problems.append(.init(field: "dataset", message: "no such dataset")) }
        let divisions = input.divisions ?? []
        if input.all == true && !divisions.isEmpty || input.all != true && divisions.isEmpty {
            problems.append(.init(field: "divisions", message: "name the divisions, or give \"all\": true"))
        }
        for division in divisions where !UserStore.isCode(division) {
            problems.append(.init(field: "divisions", message: "\(MessageText.quoted(division)) is not a division code"))
        }
        if let date = input.date, !LivretDocument.isDate(date) { problems.append(.init(field: "date", message: "not a date YYYY-MM-DD")) }
        guard problems.isEmpty, let dataset else { throw Problem(.unprocessableContent, detail: "the print run cannot start", problems: problems) }
        // The same start as the web form's (one copy): signed and archived when the service has a key.
        let job = try await services.startPrintRun(
            dataset: (input.dataset, dataset), divisions: input.all == true ? nil : divisions, paperOnly: nil, simplex: input.simplex ?? false,
            date: input.date ?? PrintRunDates.today(), actor: principal.journalName, receipts: input.receipts ?? false)
        var response = try JSONResponse.make(job, status: .accepted)
        response.headers[.location] = "/api/print-runs/\(job.id)"
        return response
    }

    router.get("/api/print-runs") { request, context -> Response in
        try await services.authorize(.printRun, request, context)
        return try JSONResponse.make(services.jobs.list())
    }

    router.get("/api/print-runs/:id") { request, context -> Response in
        try await services.authorize(.printRun, request, context)
        guard let job = services.jobs.job(try context.parameters.require("id")) else { throw Problem(.notFound, detail: "no such print run") }
        return try JSONResponse.make(job)
    }

    router.get("/api/print-runs/:id/events") { request, context -> Response in
        try await services.authorize(.printRun, request, context)
        let id = try context.parameters.require("id")
        guard services.jobs.job(id) != nil else { throw Problem(.notFound, detail: "no such print run") }
        let updates = services.jobs.updates(id)
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                for await job in updates {
                    let data = String(decoding: try encoder.encode(job), as: UTF8.self)
                    let event = job.state == .done || job.state == .failed ? job.state.rawValue : "progress"
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(data)\n\n"))
                }
                try await writer.finish(nil)
            })
    }

    router.get("/api/print-runs/:id/files/**") { request, context -> Response in
        try await services.authorize(.printRun, request, context)
        let id = try context.parameters.require("id")
        let path = context.parameters.getCatchAll().joined(separator: "/")
        // Only a file the finished job lists: nothing else of the folder, no path of the client's.
        guard let job = services.jobs.job(id), job.state == .done, job.files.contains(path) else {
            throw Problem(.notFound, detail: "no such file of a finished print run")
        }
        let url = services.jobs.outputFolder(id).appendingPathComponent(path)
        let data = try await services.executor.run { try Data(contentsOf: url) }
        let type = path.hasSuffix(".pdf") ? "application/pdf" : "application/json"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Today's date in Europe/Paris (the date printed on hand-over sheets by default).
enum PrintRunDates {
    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
