import Foundation
import Testing

@testable import LivretModel

/// The byte-level JSON pass (`JSONInputCheck`) and the escaping of messages (`MessageText`).
@Suite("Hostile input: JSON pass and message escaping")
struct InputCheckTests {
    static func problems(_ json: String, limit: Int = 1_000) -> [JSONInputCheck.Problem] {
        JSONInputCheck(stringLimit: limit).problems(in: Data(json.utf8)).problems
    }

    @Test("a duplicate key is found with its path, in nested objects and arrays of objects")
    func duplicates() {
        #expect(Self.problems(#"{"a": 1, "a": 2}"#).map(\.path) == ["a"])
        let nested = #"{"eleve": {"evaluations": [{}, {"x": 1}, {"moyennes": {"T1": 3, "T2": 4, "T1": 18.25}}]}}"#
        let found = Self.problems(nested)
        #expect(found.map(\.path) == ["eleve.evaluations[2].moyennes.T1"])
        #expect(found.first?.message.contains("'T1' appears twice") == true)
        // A key written with an escape is the same key; keys differing by case are not.
        #expect(Self.problems(#"{"nom": "A", "n\u006fm": "B"}"#).map(\.path) == ["nom"])
        #expect(Self.problems(#"{"Nom": "A", "nom": "B"}"#).isEmpty)
        // The same key in two sibling objects is fine; every duplicate of a key is reported.
        #expect(Self.problems(#"[{"k": 1}, {"k": 2}]"#).isEmpty)
        #expect(Self.problems(#"[{"k": 1, "k": 2, "k": 3}]"#).map(\.path) == ["[0].k", "[0].k"])
        // Surrogate pairs decode to one key.
        #expect(Self.problems(#"{"\ud83d\ude00": 1, "😀": 2}"#).map(\.path) == ["😀"])
    }

    @Test("long strings and keys are refused with their length and limit")
    func lengths() {
        let long = String(repeating: "é", count: 1_001)
        let found = Self.problems(#"{"nom": ""# + long + #""}"#)
        #expect(found.map(\.path) == ["nom"])
        #expect(found.first?.message == "a text of 1001 characters is over the limit of 1000")
        #expect(Self.problems(#"{"nom": ""# + String(repeating: "é", count: 1_000) + #""}"#).isEmpty)
        // An escape counts as one character.
        #expect(Self.problems(#"["\n\n\n"]"#, limit: 3).isEmpty)
        #expect(Self.problems(#"["\n\n\n\n"]"#, limit: 3).map(\.path) == ["[0]"])
        let key = String(repeating: "k", count: InputLimits.keyCharacters + 1)
        #expect(Self.problems("{\"\(key)\": 1}").first?.message.contains("key of 101 characters") == true)
    }

    @Test("a 10 MB string is measured fast, in one pass")
    func bigString() {
        let data = Data((#"{"eleve": {"nom": ""# + String(repeating: "A", count: 10_000_000) + #""}}"#).utf8)
        let clock = ContinuousClock()
        var found: [JSONInputCheck.Problem] = []
        let elapsed = clock.measure { found = JSONInputCheck(stringLimit: 100).problems(in: data).problems }
        #expect(found.map(\.path) == ["eleve.nom"])
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test("numbers: too many digits, overflow, underflow; plain numbers pass")
    func numbers() {
        #expect(Self.problems(#"[12.5, -3, 0, 0.0, 1e3, 2E-2, 123456789012345]"#).isEmpty)
        for (text, word) in [("12345678901234567890123", "23 digits"), ("1e-400", "too small"), ("1e400", "too large"),
                             ("0.0000000000000000001", "digits"), ("1e99999999", "exponent"), ("-4.9e-324", "too small")] {
            let found = Self.problems("{\"effectif\": \(text)}")
            #expect(found.map(\.path) == ["effectif"], "\(text)")
            #expect(found.first?.message.contains(word) == true, "\(text): \(found)")
            #expect(found.first?.message.contains("expected") == true, "\(text): \(found)")
        }
    }

    @Test("a syntax error stops the pass and is flagged; nesting is bounded")
    func syntax() {
        for text in [#"{"a": }"#, #"{"a" 1}"#, "[1,]", "[01]", #""\x""#, "tru", "[1] 2", "{\"a\":\"\u{1}\"}"] {
            #expect(JSONInputCheck(stringLimit: 10).problems(in: Data(text.utf8)).syntaxError, "\(text)")
        }
        #expect(!JSONInputCheck(stringLimit: 10).problems(in: Data(#" {"a": [true, false, null, "x"]} "#.utf8)).syntaxError)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = JSONInputCheck(stringLimit: 10).problems(in: Data(deep.utf8))
        #expect(result.problems.first?.message.contains("nested more than") == true)
    }

    @Test("control characters and bidi overrides are escaped; long values are cut")
    func escaping() {
        #expect(MessageText.escaped("A\u{1B}[2J\u{7}B\u{0}C") == #"A\u{1B}[2J\u{7}B\u{0}C"#)
        #expect(MessageText.escaped("x\u{9B}31m y\u{202E}gpj.exe") == #"x\u{9B}31m y\u{202E}gpj.exe"#)
        #expect(MessageText.escaped("one\ntwo\tthree") == #"one\u{A}two\u{9}three"#)
        #expect(MessageText.escaped("one\ntwo", keepingNewlines: true) == "one\ntwo")
        #expect(MessageText.escaped("Élodie D'ALMEIDA — ok") == "Élodie D'ALMEIDA — ok")
        #expect(MessageText.quoted("short") == "'short'")
        let quoted = MessageText.quoted(String(repeating: "DUPONT", count: 1_000_000))
        #expect(quoted.count < 80 && quoted.hasSuffix("(6000000 characters)"), "\(quoted.prefix(100))")
    }
}
