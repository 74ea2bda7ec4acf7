import Foundation
import LivretTestSupport
import Testing

/// Hostile inputs are refused clearly, quickly, and nothing of /etc/passwd leaks anywhere.
@Suite("Hostile files")
struct HostileFileTests {
    static let declaration = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

    static func body(_ lycee: URL) throws -> String {
        let text = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        return String(text.dropFirst(declaration.count))
    }

    static func cases(_ lycee: URL) throws -> [(String, Data, String)] {
        let body = try body(lycee)
        let original = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        var laughs = #"<!DOCTYPE lsl:lsl [<!ENTITY a "lollollollollollollollollollol">"#
        for level in 1...9 {
            let previous = Character(UnicodeScalar(UInt8(96 + level)))
            let name = Character(UnicodeScalar(UInt8(97 + level)))
            laughs += "<!ENTITY \(name) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        laughs += "]>\n"
        let latin1 = Data(original.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") })
        return [
            ("external entity", Data((declaration + #"<!DOCTYPE lsl:lsl [<!ENTITY x SYSTEM "file:///etc/passwd">]>"# + "\n"
                + body.replacingOccurrences(of: "<editeur>gen-lycee</editeur>", with: "<editeur>&x;</editeur>")).utf8), "not allowed"),
            ("parameter entity", Data((declaration + #"<!DOCTYPE lsl:lsl [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>"# + "\n" + body).utf8), "not allowed"),
            ("billion laughs", Data((declaration + laughs + body.replacingOccurrences(of: "<editeur>gen-lycee</editeur>", with: "<editeur>&j;</editeur>")).utf8), "not allowed"),
            ("deep nesting", Data((declaration + String(repeating: "<a>", count: 50_000) + String(repeating: "</a>", count: 50_000)).utf8), "depth"),
            ("truncated", Data(original.utf8).prefix(Data(original.utf8).count / 2), "import-lsl"),
            ("wrong declared encoding", latin1, "encoding"),
            ("unknown encoding", Data(original.replacingOccurrences(of: "UTF-8", with: "X-NOPE-42").utf8), "encoding"),
            ("empty file", Data(), "empty"),
        ]
    }

    @Test("each hostile file is refused within seconds; nothing of /etc/passwd appears anywhere")
    func refused() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "61", "--divisions", "1", "--pupils", "6"])
        for (name, data, expected) in try Self.cases(lycee) {
            let file = lycee.appendingPathComponent("import-lsl.xml")
            let hostile = lycee.appendingPathComponent("hostile").appendingPathComponent("import-lsl.xml")
            try FileManager.default.createDirectory(at: hostile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: hostile)
            _ = file
            let dataset = lycee.appendingPathComponent("dataset-\(name.replacingOccurrences(of: " ", with: "-"))")
            let start = Date()
            let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: hostile)
            let seconds = Date().timeIntervalSince(start)
            #expect(result.status == 1, "\(name): \(result.stderr)")
            #expect(seconds < 10, "\(name): \(seconds) s")
            #expect(result.stderr.localizedCaseInsensitiveContains(expected), "\(name): \(result.stderr)")
            #expect(result.stderr.contains(#/import-lsl\.xml(:[0-9]+:[0-9]+)?: /#), "\(name): \(result.stderr)")
            #expect(!result.stderr.contains("root:x:0") && !result.stdoutText.contains("root:x:0"), "\(name)")
            #expect(!FileManager.default.fileExists(atPath: dataset.path), "\(name)")
        }
        // Nothing anywhere in the lycée directory mentions /etc/passwd's content.
        let enumerator = FileManager.default.enumerator(at: lycee, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let content = (try? Data(contentsOf: url)) ?? Data()
            #expect(content.range(of: Data("root:x:0".utf8)) == nil, "\(url.lastPathComponent)")
        }
    }

    @Test("a file over the size limit is refused by its size, before parsing")
    func oversize() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "62", "--divisions", "1", "--pupils", "6"])
        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset, extra: ["--max-size", "10000"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("over the size limit of 10000 bytes"))
        #expect(!FileManager.default.fileExists(atPath: dataset.path))
    }
}
