import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import Testing

/// `GET /api/verify?code=`: a receipt's verification string checked against the archive.
@Suite struct VerifyCodeTests {
    struct Answer: Decodable {
        var authentic: Bool
        var status: String
        var message: String
        var ine: String?
        var version: String?
    }

    struct ProblemBody: Decodable {
        struct Item: Decodable { var field: String?; var message: String }
        var status: Int
        var problems: [Item]?
    }

    static func code(ine: String = ServerFixture.a, version: String, pdf: Data) -> String {
        "LSL1:0351261F:\(ine):2015-2016:\(version):\(Digests.sha256(pdf))"
    }

    static func query(_ code: String) -> String {
        "/api/verify?code=" + code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test func authenticSupersededUnarchivedAndMalformed() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            func get<T: Decodable>(_ code: String, _ type: T.Type, status: HTTPResponse.Status) async throws -> T {
                let response = try await client.execute(uri: Self.query(code), method: .get) { $0 }
                #expect(response.status == status, "\(code): \(String(buffer: response.body))")
                return try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
            }
            // The latest version of pupil a, anonymously (public).
            let latest = try await get(Self.code(version: "v2", pdf: ServerFixture.pdfA2), Answer.self, status: .ok)
            #expect(latest.authentic && latest.status == "authentic" && latest.ine == ServerFixture.a && latest.version == "v2", "\(latest)")
            // Also inside a verification address, as a QR code made with a verify URL holds it.
            let address = "https://lycee.example/verifier?code=" + Self.code(version: "v2", pdf: ServerFixture.pdfA2)
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await get(address, Answer.self, status: .ok).authentic)
            // v1 was replaced by v2.
            let old = try await get(Self.code(version: "v1", pdf: ServerFixture.pdfA1), Answer.self, status: .ok)
            #expect(!old.authentic && old.status == "superseded" && old.message.contains("v2"), "\(old)")
            // The right version with another livret's SHA-256.
            let wrong = try await get(Self.code(version: "v2", pdf: ServerFixture.pdfA1), Answer.self, status: .ok)
            #expect(!wrong.authentic && wrong.status == "notArchived" && wrong.message.contains("SHA-256"), "\(wrong)")
            // A pupil not in the archive.
            let absent = try await get(Self.code(ine: "999999999ZZ", version: "v1", pdf: ServerFixture.pdfA1), Answer.self, status: .ok)
            #expect(!absent.authentic && absent.status == "notArchived", "\(absent)")
            // Malformed: 422 naming the part.
            let badVersion = Self.code(version: "2", pdf: ServerFixture.pdfA2)
            let problem = try await get(badVersion, ProblemBody.self, status: .unprocessableContent)
            #expect(problem.status == 422 && problem.problems?.first?.field == "code")
            #expect(problem.problems?.first?.message.contains("version (part 5)") == true, "\(problem)")
            let short = try await get("LSL1:0351261F:\(ServerFixture.a):2015-2016:v2:abc", ProblemBody.self, status: .unprocessableContent)
            #expect(short.problems?.first?.message.contains("SHA-256 (part 6)") == true, "\(short)")
            let missing = try await client.execute(uri: "/api/verify", method: .get) { $0.status }
            #expect(missing == .badRequest)
        }
    }

    /// « Vérifier un document » with a receipt's code: the same library verdict, in French.
    @Test func webPageSaysTheVerdictInFrench() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/verifier", method: .get) { $0 }
            try #require(page.status == .ok, "the web pages are not mounted: \(String(buffer: page.body).prefix(300))")
            let html = String(buffer: page.body)
            let token = try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let setCookie = try #require(page.headers[.setCookie])
            let cookie = String(setCookie.prefix { $0 != ";" })
            func post(_ code: String) async throws -> (HTTPResponse.Status, String) {
                let boundary = "livret-test-boundary"
                var body = ""
                for (name, value) in [("csrf", String(token)), ("code", code)] {
                    body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                }
                body += "--\(boundary)--\r\n"
                return try await client.execute(
                    uri: "/verifier", method: .post,
                    headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie], body: ByteBuffer(string: body)
                ) { ($0.status, String(buffer: $0.body)) }
            }
            let authentic = try await post(Self.code(version: "v2", pdf: ServerFixture.pdfA2))
            #expect(authentic.0 == .ok && authentic.1.contains("Document authentique") && authentic.1.contains("version v2"), "\(authentic.1)")
            let replaced = try await post(Self.code(version: "v1", pdf: ServerFixture.pdfA1))
            #expect(replaced.1.contains("Livret remplacé") && !replaced.1.contains("Document authentique"), "\(replaced.1)")
            let wrong = try await post(Self.code(version: "v2", pdf: ServerFixture.pdfA1))
            #expect(wrong.1.contains("Document non reconnu"), "\(wrong.1)")
            let malformed = try await post("LSL1:0351261F:\(ServerFixture.a):2015-2016:v2:abc")
            #expect(malformed.0 == .unprocessableContent && malformed.1.contains("six parties"), "\(malformed.1)")
        }
    }
}
