import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import Logging
import Testing

/// Every route × every role → the expected status.
@Suite(.serialized) struct RoleRouteTests {
    typealias Row = (method: HTTPRequest.Method, path: String, expected: [String: Int])

    static let roles = ["anonymous", "chef", "secretariat", "enseignant", "cpe", "jury", "jury-closed", "famille", "archiviste"]

    /// The table (roles not named: the default given first).
    static func table() -> [Row] {
        let a = ServerFixture.a, b = ServerFixture.b, c = ServerFixture.c
        func row(_ method: HTTPRequest.Method, _ path: String, _ base: Int, _ overrides: [String: Int]) -> Row {
            var expected = Dictionary(uniqueKeysWithValues: roles.map { ($0, base) })
            expected["anonymous"] = 401
            for (role, status) in overrides { expected[role] = status }
            return (method, path, expected)
        }
        let readers = ["chef": 200, "secretariat": 200, "cpe": 200]
        return [
            row(.get, "/healthz", 200, ["anonymous": 200]),
            row(.get, "/metrics", 200, ["anonymous": 200]),
            row(.get, "/openapi.json", 200, ["anonymous": 200]),
            row(.get, "/api/me", 200, [:]),
            row(.get, "/api/pupils", 200, ["jury-closed": 403, "archiviste": 403]),
            // a: 1S1 — chef, secrétariat, CPE, the enseignant of 1S1; the others 404 as if absent.
            row(.get, "/api/pupils/\(a)/livret.pdf", 404, readers.merging(["enseignant": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            row(.get, "/api/pupils/\(a)/livret.json?version=v1", 404, readers.merging(["enseignant": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            row(.get, "/api/pupils/\(a)/versions", 404, readers.merging(["enseignant": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            row(.get, "/api/pupils/\(a)/receipts", 404, readers.merging(["enseignant": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            row(.get, "/api/pupils/\(b)/receipts", 404, readers.merging(["famille": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            // A body that is no scan: 422 for those who may record a stub.
            row(.post, "/api/pupils/\(a)/receipts/stub", 403, ["chef": 422, "secretariat": 422]),
            row(.post, "/api/pupils/999999999ZZ/receipts/stub", 403, ["chef": 404, "secretariat": 404]),
            // A stub's scan: chef and secrétariat only (a has none: 404).
            row(.get, "/api/pupils/\(a)/stubs/1", 403, ["chef": 404, "secretariat": 404]),
            // b: the famille's child.
            row(.get, "/api/pupils/\(b)/livret.pdf", 404, readers.merging(["famille": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            // c: the jury's candidate (only within the dates).
            row(.get, "/api/pupils/\(c)/livret.pdf", 404, readers.merging(["jury": 200, "jury-closed": 403, "archiviste": 403]) { $1 }),
            // A pupil that does not exist: 404 for every reader, as for one out of scope.
            row(.get, "/api/pupils/999999999ZZ/livret.pdf", 404, ["jury-closed": 403, "archiviste": 403]),
            row(.get, "/api/datasets", 403, ["chef": 200, "secretariat": 200]),
            row(.post, "/api/imports", 403, ["chef": 415, "secretariat": 415]),
            row(.get, "/api/print-runs", 403, ["chef": 200, "secretariat": 200]),
            row(.post, "/api/print-runs", 403, ["chef": 400, "secretariat": 400]),
            row(.get, "/api/print-runs/pr-0000000000000000", 403, ["chef": 404, "secretariat": 404]),
            row(.get, "/api/print-runs/pr-0000000000000000/events", 403, ["chef": 404, "secretariat": 404]),
            row(.get, "/api/print-runs/pr-0000000000000000/files/1S1.pdf", 403, ["chef": 404, "secretariat": 404]),
            row(.post, "/api/jury-packages", 403, ["chef": 400, "secretariat": 400]),
            row(.get, "/api/jury-packages", 403, ["chef": 200, "secretariat": 200, "archiviste": 200]),
            row(.get, "/api/jury-packages/0380001A-C01-2016-06-0123456789ab", 403, ["chef": 404, "secretariat": 404, "archiviste": 404]),
            row(.get, "/api/jury/candidates", 403, ["jury": 200]),
            row(.get, "/api/journal", 403, ["chef": 200, "archiviste": 200]),
            row(.get, "/api/journal/verify", 403, ["chef": 200, "archiviste": 200]),
            row(.post, "/api/verify", 503, ["anonymous": 503]),
            row(.get, "/api/verify?code=x", 422, ["anonymous": 422]),
        ]
    }

    @Test func everyRouteAndRole() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        let failures = try await app.test(.router) { client -> [String] in
            var failures: [String] = []
            for row in Self.table() {
                for role in Self.roles {
                    var headers: HTTPFields = [:]
                    if role != "anonymous" { headers[.authorization] = "Bearer \(fixture.tokens[role]!)" }
                    let body = row.method == .post ? ByteBuffer(string: "{}") : nil
                    let status = try await client.execute(uri: row.path, method: row.method, headers: headers, body: body) { Int($0.status.code) }
                    if status != row.expected[role] { failures.append("\(row.method) \(row.path) as \(role): \(status), expected \(row.expected[role]!)") }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Every route of the router is in the OpenAPI document, and every path of the document is a route.
    @Test func openAPIDocumentMatchesTheRouter() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let services = try LivretServices(configuration: fixture.configuration)
        let router = buildRouter(services: services)
        // The web pages (HTML, under their own CSRF forms) are not part of the API document.
        let routed = Set(router.routes.map { "\($0.method) \($0.path.description.replacingOccurrences(of: "**", with: "{path}"))" }.filter {
            let path = $0.split(separator: " ").last.map(String.init) ?? ""
            return path.hasPrefix("/api/") || ["/healthz", "/metrics", "/openapi.json"].contains(path)
        })
        #expect(routed.subtracting(documented).isEmpty, "not documented: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "not routed: \(documented.subtracting(routed).sorted())")
    }
}
