import Foundation
import LivretLayout
import LivretTestSupport
import Testing

@Suite("Line breaking and fitting")
struct TypesetterTests {
    static let fonts = try! FontSet(directory: TestSupport.repositoryRoot.appendingPathComponent("Fonts"))

    func lines(_ text: String, width: Double, size: Double = 10) throws -> [String] {
        let typesetter = Typesetter(fonts: Self.fonts)
        return try typesetter.wrap(text, style: .regular, size: size, width: width).get().map(\.text)
    }

    @Test("The shipped fonts have every French character, in every style")
    func coverage() {
        let french = "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’—–\u{202F}\u{00A0}€≥≤"
        for style in FontStyle.allCases { #expect(Self.fonts.covers(french, style: style), "\(style)") }
    }

    @Test("Kerning is applied (AV is narrower than A + V)")
    func kerning() {
        let typesetter = Typesetter(fonts: Self.fonts)
        let pair = typesetter.width("AV", style: .regular, size: 10)
        let apart = typesetter.width("A", style: .regular, size: 10) + typesetter.width("V", style: .regular, size: 10)
        #expect(pair < apart - 0.1)
    }

    @Test("No line starts with : ; ! ? » and none ends with «")
    func frenchPunctuation() throws {
        let text = "Attention : il faut « travailler » davantage ; courage ! Pourquoi ? Parce que."
        for width in stride(from: 70.0, through: 300, by: 7) {
            for line in try lines(text, width: width) {
                #expect(!line.hasPrefix(":") && !line.hasPrefix(";") && !line.hasPrefix("!") && !line.hasPrefix("?") && !line.hasPrefix("»"), "\(line)")
                #expect(!line.hasSuffix("«"), "\(line)")
            }
        }
    }

    @Test("Long compound names break after a hyphen, never inside a word, and lose nothing")
    func hyphens() throws {
        let name = "DU GUESCLIN-VILLARS-BRANCAS-CLERMONT-TONNERRE-LA TRÉMOILLE-CHABOT"
        let result = try lines(name, width: 120)
        #expect(result.count > 1)
        #expect(result.joined(separator: " ").replacingOccurrences(of: "- ", with: "-") == name)
        for line in result.dropLast() { #expect(line.hasSuffix("-") || !line.hasSuffix(" ")) }
        #expect(try lines("ABC-12 x", width: 40).first == "ABC-12", "no break between a hyphen and a digit")
    }

    @Test("No-break spaces hold, newlines force a break")
    func noBreakSpaces() throws {
        let result = try lines("12,5\u{202F}% et 40\u{00A0}élèves\nfin", width: 60)
        #expect(result.first?.hasPrefix("12,5\u{202F}%") == true)
        #expect(result.last == "fin")
        #expect(!result.contains("40"))
    }

    @Test("Fitting shrinks to the minimum and no further")
    func fitting() {
        let typesetter = Typesetter(fonts: Self.fonts)
        let text = String(repeating: "mot ", count: 60)
        guard case .success(let fitted) = typesetter.fit(text, style: .regular, size: 10, minimum: 5, width: 100, maxHeight: 100) else {
            Issue.record("should fit")
            return
        }
        #expect(fitted.size < 10 && fitted.size >= 5)
        #expect(fitted.height <= 100)
        #expect(fitted.lines.map(\.text).joined(separator: " ").split(separator: " ").count == 60)
        guard case .failure(let failure) = typesetter.fit(text, style: .regular, size: 10, minimum: 5, width: 100, maxHeight: 20) else {
            Issue.record("should not fit")
            return
        }
        #expect(failure.description.contains("too tall at 5 pt"))
    }
}
