import Foundation
import LivretArchive
import LivretServer
import LivretTestSupport
import Testing

/// `livret serve` as a process on loopback: SIGTERM stops it cleanly, and schemathesis (PyPI,
/// from the project's venv, `scripts/python-env`) finds no 5xx and no response that disagrees
/// with `/openapi.json`.
@Suite(.serialized) struct LiveServerTests {
    /// A running `livret serve` on a free port.
    final class Server {
        let process = Process()
        let url: String
        let output: URL

        init(home: URL, keys: URL) throws {
            output = home.appendingPathComponent("serve.out")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            process.executableURL = TestSupport.livretBinary
            process.arguments = [
                "serve", "--archive", home.path, "--keys", keys.path, "--port", "0", "--log-level", "warning",
                "--nomenclature", TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml").path,
                "--layouts", TestSupport.repositoryRoot.appendingPathComponent("Layouts").path,
                "--fonts", TestSupport.repositoryRoot.appendingPathComponent("Fonts").path,
            ]
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            var found: String?
            for _ in 0..<300 {
                let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                    found = String(line.dropFirst("listening on ".count))
                    break
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            guard let found else {
                process.terminate()
                throw TestFailure("livret serve did not start")
            }
            url = found
        }

        func stop() -> Int32 {
            process.terminate()  // SIGTERM
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func get(_ url: String, token: String? = nil) throws -> (status: Int, body: Data) {
        var arguments = ["-s", "-w", "\n%{http_code}", url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let result = try TestSupport.run("curl", arguments)
        var text = result.stdout
        let newline = try #require(text.lastIndex(of: 10))
        let status = Int(String(decoding: text[(newline + 1)...], as: UTF8.self)) ?? 0
        text = text[..<newline]
        return (status, Data(text))
    }

    @Test func schemathesisFindsNoServerErrorAndNoNonConformingResponse() async throws {
        let pyenv = try #require(ProcessInfo.processInfo.environment["LIVRET_PYENV"], "LIVRET_PYENV: the venv of scripts/python-env (make test sets it)")
        let schemathesis = URL(fileURLWithPath: pyenv).appendingPathComponent("bin/schemathesis")
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis.path), "schemathesis is not in \(pyenv): run scripts/python-env")
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let keys = fixture.home.appendingPathComponent("Keys")
        let keysInit = try TestSupport.run(TestSupport.livretBinary.path, [
            "keys", "init", "--etablissement", TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee/etablissement.json").path, "--keys", keys.path])
        #expect(keysInit.status == 0, "\(keysInit.stderr)")
        let server = try Server(home: fixture.home, keys: keys)
        let seed = UInt64.random(in: 1...999_999)
        print("schemathesis seed \(seed)")
        let result = try TestSupport.run(schemathesis.path, [
            "run", "\(server.url)/openapi.json", "--url", server.url,
            "-H", "Authorization: Bearer \(fixture.tokens["chef"]!)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
            "--max-examples", "25", "--seed", "\(seed)", "--no-color",
        ], environment: ["SCHEMATHESIS_HOOKS": ""], currentDirectory: fixture.home)  // its cache stays out of the repository
        let health = try Self.get("\(server.url)/healthz")
        let status = server.stop()
        #expect(health.status == 200)
        #expect(result.status == 0, "\(result.stdoutText.suffix(6000))\n\(result.stderr.suffix(2000))")
        #expect(status == 0, "livret serve exit status after SIGTERM")
        #expect(try Journal(home: fixture.home).verify().problem == nil)
    }

    @Test func sigtermStopsTheServiceAndUsersCommandsWork() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let added = try TestSupport.run(TestSupport.livretBinary.path, ["users", "add", "--archive", fixture.home.path, "--role", "famille", "--name", "Parent", "--ine", ServerFixture.b])
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        // Only the token on standard output: URL-safe, at least 128 bits (here 256).
        #expect(token.hasPrefix("lvt_") && token.count == 47 && token.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(!added.stderr.contains(token))
        // Only its SHA-256 is stored.
        let database = try Data(contentsOf: fixture.home.appendingPathComponent("users.sqlite"))
        #expect(database.range(of: Data(token.utf8)) == nil)
        #expect(database.range(of: Data(UserStore.digest(token).utf8)) != nil)
        let listed = try TestSupport.run(TestSupport.livretBinary.path, ["users", "ls", "--archive", fixture.home.path])
        #expect(listed.status == 0 && listed.stdoutText.contains("famille  Parent") && !listed.stdoutText.contains(token))
        let refused = try TestSupport.run(TestSupport.livretBinary.path, ["users", "add", "--archive", fixture.home.path, "--role", "enseignant", "--name", "Prof"])
        #expect(refused.status == 1 && refused.stderr.contains("--division") && refused.stdout.isEmpty)

        let server = try Server(home: fixture.home, keys: fixture.home.appendingPathComponent("Keys"))
        let own = try Self.get("\(server.url)/api/pupils/\(ServerFixture.b)/livret.pdf", token: token)
        let other = try Self.get("\(server.url)/api/pupils/\(ServerFixture.a)/livret.pdf", token: token)
        #expect(own.status == 200 && other.status == 404)
        let revoked = try TestSupport.run(TestSupport.livretBinary.path, ["users", "revoke", "--archive", fixture.home.path, "Parent"])
        #expect(revoked.status == 0)
        let after = try Self.get("\(server.url)/api/pupils/\(ServerFixture.b)/livret.pdf", token: token)
        #expect(after.status == 401)
        #expect(server.stop() == 0)
        let entries = try Journal(home: fixture.home).entries().filter { $0.role == "famille" }
        #expect(entries.map(\.action) == ["consult", "refuse"])
        #expect(entries.first?.address == "127.0.0.1")
    }
}
