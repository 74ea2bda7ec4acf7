import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import LivretTestSupport
import Logging
import Testing

@Suite(.serialized) struct ServiceBehaviourTests {
    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// A read is journaled (who, role, INE, version, digest); a refusal too; the chain stays intact.
    @Test func readsAndRefusalsAreJournaled() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let before = try fixture.journal().count
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            let pdf = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/livret.pdf?version=v1", method: .get, headers: bearer(fixture.tokens["enseignant"]!)) { $0 }
            #expect(pdf.status == .ok)
            #expect(Data(pdf.body.readableBytesView) == ServerFixture.pdfA1)
            #expect(pdf.headers[.contentType] == "application/pdf")
            let latest = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/livret.pdf", method: .get, headers: bearer(fixture.tokens["cpe"]!)) { $0 }
            #expect(Data(latest.body.readableBytesView) == ServerFixture.pdfA2)
            // The famille asks for another child: 404, the same body as a pupil that does not exist.
            let hidden = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/livret.pdf", method: .get, headers: bearer(fixture.tokens["famille"]!)) { $0 }
            let absent = try await client.execute(uri: "/api/pupils/999999999ZZ/livret.pdf", method: .get, headers: bearer(fixture.tokens["famille"]!)) { $0 }
            #expect(hidden.status == .notFound && absent.status == .notFound)
            #expect(Data(hidden.body.readableBytesView) == Data(absent.body.readableBytesView))
            let forbidden = try await client.execute(uri: "/api/journal", method: .get, headers: bearer(fixture.tokens["cpe"]!)) { $0.status }
            #expect(forbidden == .forbidden)
        }
        let entries = Array(try fixture.journal().dropFirst(before))
        #expect(entries.count == 4, "\(entries)")
        let first = try #require(entries.first)
        #expect(first.action == "consult" && first.ine == ServerFixture.a && first.version == "v1" && first.role == "enseignant")
        #expect(first.sha256 == Digests.sha256(ServerFixture.pdfA1))
        #expect(first.actor.contains("Test enseignant"))
        #expect(entries[1].version == "v2" && entries[1].role == "cpe")
        #expect(entries[2].action == "refuse" && entries[2].status == 404 && entries[2].ine == ServerFixture.a && entries[2].role == "famille")
        #expect(entries[3].action == "refuse" && entries[3].status == 403 && entries[3].role == "cpe")
        let report = try Journal(home: fixture.home).verify()
        #expect(report.problem == nil)
        // `livret journal verify` agrees.
        let verify = try TestSupportBridge.livret(["journal", "verify", "--archive", fixture.home.path])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    /// A livret the journal cannot record is not served: 503, nothing of the livret.
    @Test func readRefusedWhenTheJournalCannotRecord() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        // Break the chain: edit the first entry (the second names its digest).
        try Journal(home: fixture.home).append(JournalEntry(actor: "Other", action: "stub", ine: ServerFixture.b))
        let url = Journal(home: fixture.home).url
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"actor\":\"Test\"", with: "\"actor\":\"Tost\"")
        try text.write(to: url, atomically: false, encoding: .utf8)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/livret.pdf", method: .get, headers: bearer(fixture.tokens["chef"]!)) { $0 }
            #expect(response.status == .serviceUnavailable)
            #expect(!String(buffer: response.body).contains("%PDF"))
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    /// 401 for no token, a wrong one, a revoked one; the tokens never reach the log.
    @Test func tokensAreCheckedAndNeverLogged() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        CapturingLogHandler.lines.withLock { $0.removeAll() }
        var logger = Logger(label: "test") { _ in CapturingLogHandler() }
        logger.logLevel = .trace
        logger.info("test.start")
        #expect(CapturingLogHandler.lines.withLock { $0.count } == 1)
        let app = try await buildApplication(configuration: fixture.configuration, logger: logger)
        let store = try UserStore(home: fixture.home)
        let (_, revokedToken) = try store.add(name: "Gone", role: .chef)
        _ = try store.revoke("Gone")
        try await app.test(.router) { client in
            for token in ["lvt_wrong", revokedToken, ""] {
                let status = try await client.execute(uri: "/api/me", method: .get, headers: bearer(token)) { $0.status }
                #expect(status == .unauthorized)
            }
            let none = try await client.execute(uri: "/api/me", method: .get) { $0 }
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == "Bearer realm=\"livret\"")
            for token in fixture.tokens.values {
                _ = try await client.execute(uri: "/api/pupils", method: .get, headers: bearer(token)) { $0.status }
            }
        }
        let lines = CapturingLogHandler.lines.withLock { $0 }
        #expect(lines.count >= 10)
        for token in Array(fixture.tokens.values) + [revokedToken] {
            #expect(!lines.contains { $0.contains(token) || $0.contains(String(token.dropFirst(4).prefix(12))) })
        }
        #expect(!lines.contains { $0.lowercased().contains("bearer") })
    }

    /// Bodies over the limits are refused: a PDF to verify over the scan limit (413), an import
    /// part over the exchange-file limit (422 naming the part).
    @Test func uploadLimits() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        var configuration = fixture.configuration
        configuration.maxExchangeFileBytes = 2048
        configuration.nomenclature = fixture.home.appendingPathComponent("nomenclature.xml").path
        let app = try await buildApplication(configuration: configuration)
        try await app.test(.router) { client in
            let big = ByteBuffer(bytes: [UInt8](repeating: 0x25, count: 4096))
            let verify = try await client.execute(uri: "/api/verify", method: .post, headers: [.contentType: "application/pdf"], body: big) { $0 }
            #expect(verify.status == .contentTooLarge)
            #expect(verify.headers[.contentType] == "application/problem+json")
            let boundary = "XyZ"
            var body = ""
            for (name, size) in [("eleves", 100), ("evaluations", 3000), ("etablissement", 10)] {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name).xml\"\r\n\r\n\(String(repeating: "x", count: size))\r\n"
            }
            body += "--\(boundary)--\r\n"
            let upload = try await client.execute(
                uri: "/api/imports", method: .post,
                headers: [.authorization: "Bearer \(fixture.tokens["secretariat"]!)", .contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(string: body)) { $0 }
            #expect(upload.status == .unprocessableContent)
            let problem = try JSONSerialization.jsonObject(with: Data(upload.body.readableBytesView)) as? [String: Any]
            let items = problem?["problems"] as? [[String: Any]] ?? []
            #expect(items.count == 1 && items.first?["field"] as? String == "evaluations", "\(String(buffer: upload.body))")
            // A header name with a byte ≥ 0x80 (found by schemathesis) made MultipartKit trap: refused with 400.
            var hostile = ByteBuffer(string: "--b\r\n")
            hostile.writeBytes([0xF1, 0x94, 0x8B, 0xBE, 0xC2, 0x90])
            hostile.writeString("--b--\r\n")
            let refused = try await client.execute(
                uri: "/api/imports", method: .post,
                headers: [.authorization: "Bearer \(fixture.tokens["secretariat"]!)", .contentType: "multipart/form-data; boundary=b"],
                body: hostile) { $0.status }
            #expect(refused == .badRequest)
        }
    }

    /// `POST /api/jury-packages` goes through the service's one maker of packages (the web form's
    /// too): 503 without a signing key; with one, a candidate absent from the archive is refused
    /// (422), and `allowMissing` reaches the packager (it then finds no signed livret at all);
    /// a livret the packager cannot read is a 500. Nothing is journaled, no zip is left.
    @Test func juryPackageRequests() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        let headers: HTTPFields = [.authorization: "Bearer \(fixture.tokens["chef"]!)", .contentType: "application/json"]
        @Sendable func post(_ client: some TestClientProtocol, ine: String = "456789012DE", allowMissing: Bool? = nil) async throws
            -> (HTTPResponse.Status, String) {
            let extra = allowMissing.map { ", \"allowMissing\": \($0)" } ?? ""
            let body = #"{"centre": "C01", "session": "2016-06", "candidates": ["\#(ine)"]\#(extra)}"#
            return try await client.execute(uri: "/api/jury-packages", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                ($0.status, String(buffer: $0.body))
            }
        }
        let before = try fixture.journal().filter { $0.action == "jury-package" }.count
        try await app.test(.router) { client in
            let (noKey, noKeyBody) = try await post(client)
            #expect(noKey == .serviceUnavailable && noKeyBody.contains("no signing key"), "\(noKeyBody)")
        }
        let keys = fixture.home.appendingPathComponent("no-keys")
        let etablissement = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee/etablissement.json")
        let keysInit = try TestSupportBridge.livret(["keys", "init", "--etablissement", etablissement.path, "--keys", keys.path])
        try #require(keysInit.status == 0, "keys init: \(keysInit.stderr)")
        try await app.test(.router) { client in
            let (absent, absentBody) = try await post(client)
            #expect(absent == .unprocessableContent && absentBody.contains("allow-missing"), "\(absentBody)")
            let (none, noneBody) = try await post(client, allowMissing: true)
            #expect(none == .unprocessableContent && noneBody.contains("no candidate has a signed livret"), "\(noneBody)")
            // The fixture's livret.json is not a livret: the archive cannot be read, the service's fault.
            let (unreadable, unreadableBody) = try await post(client, ine: ServerFixture.c)
            #expect(unreadable == .internalServerError && unreadableBody.contains("cannot be read"), "\(unreadableBody)")
        }
        #expect(try fixture.journal().filter { $0.action == "jury-package" }.count == before)
        let made = (try? FileManager.default.contentsOfDirectory(atPath: fixture.home.appendingPathComponent("service/jury-packages").path)) ?? []
        #expect(!made.contains { $0.hasSuffix(".zip") }, "\(made)")
    }

    /// A job found running when the service starts (it stopped during the job) is marked failed;
    /// a done job whose files are missing too; a done job with its files stays done.
    @Test func interruptedJobsAreMarkedFailedOnStart() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let jobs = fixture.home.appendingPathComponent("service/jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        func job(_ id: String, _ state: String, files: [String]) -> String {
            """
            {"id":"\(id)","state":"\(state)","dataset":"ds-0000000000000000","simplex":false,"date":"2016-06-01","actor":"x","created":"2016-06-01T10:00:00Z",
             "pupilsDone":3,"pupilsTotal":10,"pages":12,"pagesPerSecond":1.5,"failures":[],"files":\(files)}
            """
        }
        let running = "pr-00000000000000aa", lost = "pr-00000000000000bb", kept = "pr-00000000000000cc"
        try job(running, "running", files: []).write(to: jobs.appendingPathComponent(running + ".json"), atomically: true, encoding: .utf8)
        try job(lost, "done", files: ["1S1.pdf"]).write(to: jobs.appendingPathComponent(lost + ".json"), atomically: true, encoding: .utf8)
        try job(kept, "done", files: ["1S1.pdf"]).write(to: jobs.appendingPathComponent(kept + ".json"), atomically: true, encoding: .utf8)
        let keptFolder = fixture.home.appendingPathComponent("service/print-runs/\(kept)")
        try FileManager.default.createDirectory(at: keptFolder, withIntermediateDirectories: true)
        try Data("%PDF-1.4\n".utf8).write(to: keptFolder.appendingPathComponent("1S1.pdf"))
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            for (id, state) in [(running, "failed"), (lost, "failed"), (kept, "done")] {
                let response = try await client.execute(uri: "/api/print-runs/\(id)", method: .get, headers: bearer(fixture.tokens["secretariat"]!)) { $0 }
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(body?["state"] as? String == state, "\(id): \(String(buffer: response.body))")
            }
            let file = try await client.execute(uri: "/api/print-runs/\(kept)/files/1S1.pdf", method: .get, headers: bearer(fixture.tokens["chef"]!)) { $0 }
            #expect(file.status == .ok && String(buffer: file.body) == "%PDF-1.4\n")
            let missing = try await client.execute(uri: "/api/print-runs/\(lost)/files/1S1.pdf", method: .get, headers: bearer(fixture.tokens["chef"]!)) { $0.status }
            #expect(missing == .notFound)
        }
        // The verdict is persisted: the job file says failed too.
        let saved = try String(contentsOf: jobs.appendingPathComponent(running + ".json"), encoding: .utf8)
        #expect(saved.contains("\"failed\"") && saved.contains("interrupted"))
    }
}
