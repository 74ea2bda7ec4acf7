import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// Every official OCFL 1.1 fixture: good objects pass with no warning, warn objects pass with the
/// warning codes of their name, bad objects fail with the error codes of their name.
@Suite struct FixtureValidationTests {
    static func entries(_ kind: String) -> [String] {
        let fixturesPath = ProcessInfo.processInfo.environment["OCFL_FIXTURES"] ?? fixtures.path
        return ((try? FileManager.default.contentsOfDirectory(atPath: fixturesPath + "/" + kind)) ?? []).sorted()
            .map { fixturesPath + "/" + kind + "/" + $0 }
    }

    static func codes(inName path: String) -> Set<String> {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return Set(name.split(separator: "_").map(String.init).filter { $0.range(of: #"^[EW][0-9]{3}$"#, options: .regularExpression) != nil })
    }

    @Test("fixtures exist") func fixturesExist() {
        #expect(Self.entries("good-objects").count >= 10)
        #expect(Self.entries("bad-objects").count >= 20)
        #expect(Self.entries("warn-objects").count >= 10)
    }

    @Test("good objects are valid, without warnings", arguments: entries("good-objects"))
    func good(_ path: String) {
        let report = OCFLObjectValidator().validate(objectAt: path)
        #expect(report.issues.isEmpty, "\(report.issues)")
    }

    @Test("warn objects are valid, with the warnings of their name", arguments: entries("warn-objects"))
    func warn(_ path: String) {
        let report = OCFLObjectValidator().validate(objectAt: path)
        #expect(report.isValid, "\(report.errors)")
        let found = Set(report.warnings.map(\.code))
        #expect(Self.codes(inName: path).isSubset(of: found), "expected \(Self.codes(inName: path)), found \(found)")
    }

    @Test("bad objects fail, with the errors of their name", arguments: entries("bad-objects"))
    func bad(_ path: String) {
        let report = OCFLObjectValidator().validate(objectAt: path)
        #expect(!report.isValid)
        let found = Set(report.errors.map(\.code))
        #expect(Self.codes(inName: path).filter { $0.hasPrefix("E") }.isSubset(of: found), "expected \(Self.codes(inName: path)), found \(found)")
    }

    @Test("the CLI agrees: verify --object-dir exits 0 on good objects, 1 on bad ones, printing the codes")
    func cli() throws {
        let good = try TestSupport.livret(["archive", "verify", "--object-dir", Self.entries("good-objects")[0]])
        #expect(good.status == 0)
        let badPath = Self.entries("bad-objects").first { $0.hasSuffix("E092_content_file_digest_mismatch") }!
        let bad = try TestSupport.livret(["archive", "verify", "--object-dir", badPath])
        #expect(bad.status == 1)
        #expect(bad.stdoutText.contains("E092"))
    }

    @Test("0003 layout test vectors")
    func layoutVectors() {
        let layout = StorageLayout()
        #expect(layout.path(for: "object-01") == "3c0/ff4/240/object-01")
        #expect(layout.path(for: "..hor/rib:le-$id") == "487/326/d8c/%2e%2ehor%2frib%3ale-%24id")
        let long = String(repeating: "abcdefghij", count: 11)
        let last = layout.components(for: long).last!
        #expect(last.hasPrefix(String(repeating: "abcdefghij", count: 10) + "-"))
    }
}
