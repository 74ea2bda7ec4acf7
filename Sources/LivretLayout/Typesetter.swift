/// Breaks text into lines and fits it into cells. One per layout task (it caches shaped
/// words and is not `Sendable`); the `FontSet` underneath is shared.
///
/// Line breaking follows the Unicode rules that matter for French text (UAX #14, simplified):
/// a line may break after spaces and after a hyphen between two letters; never at a no-break
/// space (U+00A0, U+202F) or a non-breaking hyphen (U+2011), never before `:` `;` `!` `?` `»`,
/// never after `«`, never inside a word. A newline is a forced break.
public final class Typesetter {
    /// The fonts it shapes with.
    public let fonts: FontSet
    private var cache: [CacheKey: Shaped] = [:]
    /// Whole paragraphs already broken: labels, competency names and headers repeat on every
    /// livret of a class, so most of them are set once per task.
    private var wrapped: [WrapKey: [Line]] = [:]

    private struct WrapKey: Hashable {
        var text: String
        var style: FontStyle
        var size: Double
        var width: Double
        var breakWords: Bool
    }

    private struct CacheKey: Hashable {
        var text: String
        var style: FontStyle
    }

    struct Shaped {
        var glyphs: [PositionedGlyph]
        var advance: Double  // ems
    }

    /// A line, in ems: multiply by the size to get points.
    public struct Line: Hashable, Sendable {
        /// The line's text.
        public var text: String
        /// Its glyphs, in ems.
        public var glyphs: [PositionedGlyph]
        /// Its width, in ems.
        public var width: Double
    }

    /// The result of fitting text into a cell.
    public struct Fitted: Sendable {
        /// The lines, top to bottom.
        public var lines: [Line]
        /// The size chosen, in points.
        public var size: Double
        /// The face.
        public var style: FontStyle
        /// Height of a line, in points.
        public var lineHeight: Double { size * Typesetter.leading }
        /// Height of the text, in points.
        public var height: Double { Double(lines.count) * lineHeight }
        /// Width of the widest line, in points.
        public var widestLine: Double { (lines.map(\.width).max() ?? 0) * size }
    }

    /// Line height as a multiple of the size.
    public static let leading = 1.17

    /// A typesetter with empty caches; one per task (not `Sendable`).
    public init(fonts: FontSet) {
        self.fonts = fonts
    }

    func shaped(_ text: String, _ style: FontStyle) -> Shaped {
        let key = CacheKey(text: text, style: style)
        if let hit = cache[key] { return hit }
        let (glyphs, advance) = fonts.shape(text, style: style)
        let value = Shaped(glyphs: glyphs, advance: advance)
        if cache.count > 20_000 { cache.removeAll(keepingCapacity: true) }
        cache[key] = value
        return value
    }

    /// Width in points of `text` set on one line.
    public func width(_ text: String, style: FontStyle, size: Double) -> Double {
        shaped(text, style).advance * size
    }

    /// One unbroken line (labels, numbers).
    public func line(_ text: String, style: FontStyle) -> Line {
        let s = shaped(text, style)
        return Line(text: text, glyphs: s.glyphs, width: s.advance)
    }

    /// A piece of text between two break opportunities: the word (with a final hyphen if it
    /// breaks there) and the spaces after it.
    struct Segment {
        var word: String
        var spaces: String
        var forcedBreakAfter: Bool
    }

    static let noBreakBefore: Set<Unicode.Scalar> = [":", ";", "!", "?", "»", ")", "]", "}", ",", ".", "…", "%"]
    static let breakingSpaces: Set<Unicode.Scalar> = [" ", "\t", "\u{2009}", "\u{2002}", "\u{2003}"]
    static let hyphens: Set<Unicode.Scalar> = ["-", "\u{2010}"]

    /// Splits text at its break opportunities. Works on Unicode scalars: every opportunity is
    /// at a space or after a hyphen, never inside a grapheme cluster.
    static func segments(_ text: String) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var result: [Segment] = []
        var word = String.UnicodeScalarView()
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\n" || c == "\r" || c == "\u{2028}" {
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                result.append(Segment(word: String(word), spaces: "", forcedBreakAfter: true))
                word = String.UnicodeScalarView()
                i += 1
                continue
            }
            if breakingSpaces.contains(c) {
                var j = i
                var spaces = ""
                while j < scalars.count, breakingSpaces.contains(scalars[j]) { spaces.append(" "); j += 1 }
                let next: Unicode.Scalar? = j < scalars.count ? scalars[j] : nil
                let previous: Unicode.Scalar? = i > 0 ? scalars[i - 1] : nil
                if let next, noBreakBefore.contains(next) || previous == "«" || next == "\n" {
                    word.append(contentsOf: spaces.unicodeScalars)  // glued: no break opportunity here
                } else if next == nil {
                    // trailing spaces: dropped
                } else {
                    result.append(Segment(word: String(word), spaces: spaces, forcedBreakAfter: false))
                    word = String.UnicodeScalarView()
                }
                i = j
                continue
            }
            word.append(c)
            if hyphens.contains(c), i > 0, isLetter(scalars[i - 1]), i + 1 < scalars.count, isLetter(scalars[i + 1]) {
                result.append(Segment(word: String(word), spaces: "", forcedBreakAfter: false))
                word = String.UnicodeScalarView()
            }
            i += 1
        }
        if !word.isEmpty || result.isEmpty || result.last?.forcedBreakAfter == true {
            result.append(Segment(word: String(word), spaces: "", forcedBreakAfter: false))
        }
        return result
    }

    /// Why text could not be broken into a width.
    public enum WrapFailure: Error, Sendable, Hashable {
        /// The widest unbreakable word: its length in characters, and by how many points it is too wide.
        case tooWide(characters: Int, excess: Double)
        /// A character the font has no glyph for (it would print as an empty box).
        case missingGlyph(Unicode.Scalar)
    }

    /// Greedy line breaking at `size` into `width` points. With `breakWords`, a word wider than
    /// the width is broken between two characters (for cells that hold names, not prose).
    public func wrap(_ text: String, style: FontStyle, size: Double, width: Double, breakWords: Bool = false) -> Result<[Line], WrapFailure> {
        let key = WrapKey(text: text, style: style, size: size, width: width, breakWords: breakWords)
        if let hit = wrapped[key] { return .success(hit) }
        let result = breakLines(text, style: style, size: size, width: width, breakWords: breakWords)
        if case .success(let lines) = result {
            if wrapped.count > 4_000 { wrapped.removeAll(keepingCapacity: true) }
            wrapped[key] = lines
        }
        return result
    }

    private func breakLines(_ text: String, style: FontStyle, size: Double, width: Double, breakWords: Bool) -> Result<[Line], WrapFailure> {
        let maxEms = width / size
        var segments = Self.segments(text)
        var lines: [Line] = []
        var current: [(Segment, Shaped)] = []
        var currentWidth = 0.0      // width of current words and the spaces between them
        var pendingSpaces = 0.0     // width of the spaces after the last word

        func flush() {
            lines.append(assemble(current, style: style))
            current = []
            currentWidth = 0
            pendingSpaces = 0
        }

        var index = 0
        while index < segments.count {
            let segment = segments[index]
            index += 1
            let shapedWord = shaped(segment.word, style)
            if let missing = shapedWord.glyphs.first(where: { $0.id == 0 }) {
                let scalar = segment.word.utf8.index(segment.word.utf8.startIndex, offsetBy: missing.cluster, limitedBy: segment.word.utf8.endIndex)
                    .flatMap { segment.word[$0...].unicodeScalars.first } ?? "\u{FFFD}"
                return .failure(.missingGlyph(scalar))
            }
            if shapedWord.advance > maxEms + 1e-9 {
                guard breakWords, let (head, tail) = split(segment.word, style: style, maxEms: maxEms) else {
                    return .failure(.tooWide(characters: segment.word.count, excess: (shapedWord.advance - maxEms) * size))
                }
                // The head fills a line of its own; the tail is broken again.
                segments.insert(Segment(word: tail, spaces: segment.spaces, forcedBreakAfter: segment.forcedBreakAfter), at: index)
                segments.insert(Segment(word: head, spaces: "", forcedBreakAfter: true), at: index)
                continue
            }
            if !current.isEmpty, currentWidth + pendingSpaces + shapedWord.advance > maxEms + 1e-9 {
                flush()
            }
            currentWidth += (current.isEmpty ? 0 : pendingSpaces) + shapedWord.advance
            current.append((segment, shapedWord))
            pendingSpaces = segment.spaces.isEmpty ? 0 : shaped(segment.spaces, style).advance
            if segment.forcedBreakAfter { flush() }
        }
        if !current.isEmpty { flush() }
        return .success(lines)
    }

    /// The longest run of whole characters of `word` that fits `maxEms`, and the rest; nil when
    /// not even one character fits.
    private func split(_ word: String, style: FontStyle, maxEms: Double) -> (String, String)? {
        var head = ""
        for character in word {
            let candidate = head + String(character)
            if shaped(candidate, style).advance > maxEms + 1e-9 { break }
            head = candidate
        }
        guard !head.isEmpty else { return nil }
        return (head, String(word.dropFirst(head.count)))
    }

    private func assemble(_ parts: [(Segment, Shaped)], style: FontStyle) -> Line {
        var text = ""
        var glyphs: [PositionedGlyph] = []
        var pen = 0.0
        func append(_ piece: String, _ shapedPiece: Shaped) {
            let offset = text.utf8.count
            for glyph in shapedPiece.glyphs {
                var g = glyph
                g.x += pen
                g.cluster += offset
                glyphs.append(g)
            }
            text += piece
            pen += shapedPiece.advance
        }
        for (index, (segment, shapedWord)) in parts.enumerated() {
            append(segment.word, shapedWord)
            if index < parts.count - 1, !segment.spaces.isEmpty {
                append(segment.spaces, shaped(segment.spaces, style))
            }
        }
        return Line(text: text, glyphs: glyphs, width: pen)
    }

    /// Sets `text` into `width` at `size`, or smaller (in steps of 0.25 pt) down to `minimum`
    /// until it also fits `maxHeight`. Returns the failure of the smallest size otherwise.
    public func fit(
        _ text: String, style: FontStyle, size: Double, minimum: Double, width: Double,
        maxHeight: Double = .infinity, breakWords: Bool = false
    ) -> Result<Fitted, FitFailure> {
        var candidate = size
        var lastFailure: FitFailure = .tooTall(excess: 0, size: minimum)
        while candidate >= minimum - 1e-9 {
            switch wrap(text, style: style, size: candidate, width: width, breakWords: breakWords) {
            case .success(let lines):
                let fitted = Fitted(lines: lines, size: candidate, style: style)
                if fitted.height <= maxHeight + 1e-9 { return .success(fitted) }
                lastFailure = .tooTall(excess: fitted.height - maxHeight, size: candidate)
            case .failure(.tooWide(let characters, let excess)):
                lastFailure = .wordTooWide(characters: characters, excess: excess, size: candidate)
            case .failure(.missingGlyph(let scalar)):
                return .failure(.missingCharacter(scalar))  // no size will draw it
            }
            candidate -= 0.25
        }
        return .failure(lastFailure)
    }

    /// Why a text could not be fitted.
    public enum FitFailure: Error, Sendable, CustomStringConvertible {
        case tooTall(excess: Double, size: Double)
        case wordTooWide(characters: Int, excess: Double, size: Double)
        case missingCharacter(Unicode.Scalar)

        /// In plain words.
        public var description: String {
            switch self {
            case .missingCharacter(let scalar):
                "the character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)) is not in the font (it would print as an empty box)"
            case .tooTall(let excess, let size):
                "\(Self.points(excess)) pt too tall at \(Self.points(size)) pt"
            case .wordTooWide(let characters, let excess, let size):
                "a word of \(characters) characters is \(Self.points(excess)) pt wider than its column at \(Self.points(size)) pt"
            }
        }

        static func points(_ value: Double) -> String {
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded).replacingOccurrences(of: ".", with: ",")
        }
    }

    /// Positions a line as a run at `x`, with its baseline at `baseline`.
    public func run(_ line: Line, style: FontStyle, size: Double, x: Double, baseline: Double, color: Color = .black) -> TextRun {
        TextRun(
            text: line.text, style: style, size: size, x: x, baseline: baseline,
            glyphs: line.glyphs.map { g in
                PositionedGlyph(id: g.id, x: g.x * size, y: g.y * size, advance: g.advance * size, cluster: g.cluster)
            },
            color: color)
    }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
