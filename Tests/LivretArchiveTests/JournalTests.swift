import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// The hash-chained journal: every way of tampering with it is named by `livret journal verify`.
@Suite("Journal")
struct JournalTests {
    static let ines = ["123456789AB", "0123456789C", "2015A12345Z", "987654321XY", "123456789AB"]

    /// A journal of five entries in a new archive home.
    static func journal() throws -> (home: URL, journal: Journal, heads: [Journal.Head]) {
        let home = try TestSupport.temporaryDirectory("journal")
        let journal = Journal(home: home)
        var heads: [Journal.Head] = []
        for (index, ine) in ines.enumerated() {
            heads.append(try journal.append(JournalEntry(
                time: Date(timeIntervalSince1970: 1_467_450_000 + Double(index) * 60), actor: "Anaël ROUSSEAU <ce.0351261f@ac-rennes.fr>",
                action: index == 2 ? "receipt" : "print-run", ine: ine, object: "urn:lsl:ine:\(ine)", version: "v\(index + 1)",
                sha256: String(repeating: String(index), count: 64))))
        }
        return (home, journal, heads)
    }

    static func lines(_ home: URL) throws -> [String] {
        try String(contentsOf: home.appendingPathComponent("journal.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func write(_ lines: [String], _ home: URL) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: home.appendingPathComponent("journal.jsonl"))
    }

    static func verify(_ home: URL, witness: String? = nil) throws -> ProcessResult {
        try TestSupport.livret(["journal", "verify", "--archive", home.path] + (witness.map { ["--witness", $0] } ?? []))
    }

    @Test("an intact journal: verify prints the head, show lists the entries (text, JSON, one pupil)")
    func intact() throws {
        let (home, _, heads) = try Self.journal()
        defer { try? FileManager.default.removeItem(at: home) }
        let verify = try Self.verify(home)
        #expect(verify.status == 0)
        #expect(verify.stdoutText == "journal: 5 entries, intact, head \(heads[4])\n")
        #expect(try Self.verify(home, witness: heads[1].description).status == 0)
        let show = try TestSupport.livret(["journal", "show", "--archive", home.path, "--ine", "123456789AB"])
        #expect(show.status == 0)
        let shown = show.stdoutText.split(separator: "\n")
        #expect(shown.count == 2 && shown[0].hasPrefix("1  2016-07-02T09:00:00Z  print-run  123456789AB  urn:lsl:ine:123456789AB v1"))
        let json = try TestSupport.livret(["journal", "show", "--archive", home.path, "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(entries.count == 5)
        #expect(entries.map { $0["seq"] as? Int } == [1, 2, 3, 4, 5])
        #expect(entries[0]["previous"] as? String == Journal.genesis)
        #expect(Set(entries[0].keys) == ["seq", "time", "actor", "action", "ine", "object", "version", "sha256", "previous"])
        // Each entry names the SHA-256 of the line before it.
        let lines = try Self.lines(home)
        #expect(try entries[3]["previous"] as? String == TestSupport.sha256(Data(lines[2].utf8)))
    }

    @Test("edited, removed, reordered, inserted, damaged: the first such entry is named, and nothing more can be appended")
    func tampering() throws {
        let cases: [(String, ([String]) -> [String], String)] = [
            ("edited", { var l = $0; l[1] = l[1].replacingOccurrences(of: "v2", with: "v9"); return l }, "entry 2 was edited"),
            ("removed", { var l = $0; l.remove(at: 2); return l }, "entry 3 was removed"),
            ("two removed", { var l = $0; l.removeSubrange(1...2); return l }, "entries 2 to 3 were removed"),
            ("reordered", { var l = $0; l.swapAt(1, 2); return l }, "entry 2 was reordered"),
            ("inserted", { var l = $0; l.insert(l[2].replacingOccurrences(of: "receipt", with: "stub"), at: 3); return l }, "entry 3 appears twice (lines 3 and 4)"),
            ("damaged", { var l = $0; l[3] = String(l[3].dropLast(5)); return l }, "entry 4 (line 4) is damaged"),
            ("first edited", { var l = $0; l[0] = l[0].replacingOccurrences(of: "\"previous\":\"0000", with: "\"previous\":\"1000"); return l }, "entry 1 was edited"),
        ]
        for (name, tamper, expected) in cases {
            let (home, journal, _) = try Self.journal()
            defer { try? FileManager.default.removeItem(at: home) }
            try Self.write(tamper(try Self.lines(home)), home)
            let verify = try Self.verify(home)
            #expect(verify.status == 1, "\(name)")
            #expect(verify.stdoutText.hasPrefix("journal: NOT INTACT: \(expected)"), "\(name): \(verify.stdoutText)")
            #expect(throws: ArchiveError.self, "\(name): append refused") {
                try journal.append(JournalEntry(actor: "x", action: "print-run"))
            }
        }
    }

    @Test("a chain rewritten whole is caught by a witness head seen before; a malformed witness is a usage error")
    func witness() throws {
        let (home, _, heads) = try Self.journal()
        defer { try? FileManager.default.removeItem(at: home) }
        // Someone rewrites the whole chain with one entry changed and every hash recomputed.
        let forged = try TestSupport.temporaryDirectory("journal-forged")
        defer { try? FileManager.default.removeItem(at: forged) }
        let forger = Journal(home: forged)
        for (index, line) in try Self.lines(home).enumerated() {
            var entry = try JSONDecoder().decode(JournalEntry.self, from: Data(line.utf8))
            if index == 1 { entry.version = "v7" }
            try forger.append(entry)
        }
        try FileManager.default.removeItem(at: home.appendingPathComponent("journal.jsonl"))
        try FileManager.default.copyItem(at: forged.appendingPathComponent("journal.jsonl"), to: home.appendingPathComponent("journal.jsonl"))
        #expect(try Self.verify(home).status == 0, "the chain alone cannot tell")
        let caught = try Self.verify(home, witness: heads[2].description)
        #expect(caught.status == 1)
        #expect(caught.stdoutText.contains("is not in this journal: entries up to 3 were rewritten"), "\(caught.stdoutText)")
        #expect(try Self.verify(home, witness: heads[0].description).status == 0, "entry 1 was not rewritten")
        let tooFar = try Self.verify(home, witness: "9:\(heads[0].sha256)")
        #expect(tooFar.status == 1 && tooFar.stdoutText.contains("entries were removed"))
        let usage = try Self.verify(home, witness: "3:abc")
        #expect(usage.status == 64)
    }
}
