/// What the layout stage hands to the PDF stage: pages of positioned boxes, in points,
/// origin at the top left of the page, y growing downwards. No cairo, no LSL.
public struct Page: Hashable, Sendable {
    public var width: Double
    public var height: Double
    public var items: [PageItem]

    public init(width: Double, height: Double, items: [PageItem] = []) {
        self.width = width
        self.height = height
        self.items = items
    }
}

public enum PageItem: Hashable, Sendable {
    /// Opens or closes a semantic element: the items between `.begin` and its `.end` belong to it
    /// (a heading, a table cell…), in reading order. Neutral information for the PDF stage's tagging.
    case structure(StructureMark)
    case text(TextRun)
    /// A straight line.
    case rule(x1: Double, y1: Double, x2: Double, y2: Double, width: Double, color: Color)
    /// A filled rectangle.
    case fill(x: Double, y: Double, width: Double, height: Double, color: Color)
}

/// The start or the end of a semantic element (ends close the innermost open element).
public enum StructureMark: Hashable, Sendable {
    case begin(SemanticRole)
    case end
}

/// What a group of boxes is to a reader (a screen reader follows these, in order).
public enum SemanticRole: Hashable, Sendable {
    /// The whole document.
    case document
    /// A heading; level 1 is the document's title.
    case heading(level: Int)
    /// A paragraph of running text.
    case paragraph
    case table
    case row
    /// A header cell: `id` is unique in the document; `scope` says what it heads; it spans
    /// `columns` leaf columns and `rows` header rows.
    case headerCell(id: String, scope: HeaderScope, columns: Int = 1, rows: Int = 1)
    /// A data cell and the ids of the header cells that head it (column headers, then row header).
    case dataCell(headers: [String])
    /// Decoration or pagination (rules, fills, running headers and footers, repeated table
    /// headers): not read.
    case artifact

    public enum HeaderScope: String, Hashable, Sendable {
        case row = "Row", column = "Column", both = "Both"
    }
}

/// RGB components in 0…1.
public struct Color: Hashable, Sendable, Codable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static func gray(_ level: Double) -> Color { Color(red: level, green: level, blue: level) }
}

public enum FontStyle: Int, Hashable, Sendable, CaseIterable, Codable {
    case regular, bold, italic, boldItalic
}

/// One shaped line of text: the characters, and the glyphs HarfBuzz chose for them.
public struct TextRun: Hashable, Sendable {
    public var text: String
    public var style: FontStyle
    public var size: Double
    /// Pen position of the first glyph's origin on the baseline.
    public var x: Double
    public var baseline: Double
    public var glyphs: [PositionedGlyph]
    public var color: Color

    public var width: Double { glyphs.last.map { $0.x + $0.advance } ?? 0 }
}

/// A glyph of a run, its offset from the run's origin, and the UTF-8 offset of the
/// characters it came from (so that the PDF can map glyphs back to text).
public struct PositionedGlyph: Hashable, Sendable {
    public var id: UInt32
    public var x: Double
    public var y: Double
    public var advance: Double
    public var cluster: Int
}
