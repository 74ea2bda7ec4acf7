import Foundation

/// What the layout stage hands to the PDF stage: pages of positioned boxes, in points,
/// origin at the top left of the page, y growing downwards. No cairo, no LSL.
public struct Page: Hashable, Sendable {
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double
    /// What is drawn, in drawing order within each kind (fills, rules, text).
    public var items: [PageItem]
    /// The font files the page's text was shaped with, by style: the PDF stage draws and embeds
    /// these (nil: the writer's own fonts).
    public var fontFiles: [FontStyle: URL]?

    /// - Parameters:
    ///   - width: in points.
    ///   - height: in points.
    ///   - items: what is drawn.
    ///   - fontFiles: the font files the text was shaped with (`FontSet.files`).
    public init(width: Double, height: Double, items: [PageItem] = [], fontFiles: [FontStyle: URL]? = nil) {
        self.width = width
        self.height = height
        self.items = items
        self.fontFiles = fontFiles
    }
}

/// A thing drawn on a page.
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
    /// Red, 0…1.
    public var red: Double
    /// Green, 0…1.
    public var green: Double
    /// Blue, 0…1.
    public var blue: Double

    /// - Parameters: the components, 0…1.
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Black.
    public static let black = Color(red: 0, green: 0, blue: 0)
    /// A grey of `level` (0 black, 1 white).
    public static func gray(_ level: Double) -> Color { Color(red: level, green: level, blue: level) }
}

/// The four faces of a layout.
public enum FontStyle: Int, Hashable, Sendable, CaseIterable, Codable {
    case regular, bold, italic, boldItalic
}

/// One shaped line of text: the characters, and the glyphs HarfBuzz chose for them.
public struct TextRun: Hashable, Sendable {
    /// The characters.
    public var text: String
    /// The face.
    public var style: FontStyle
    /// Size in points.
    public var size: Double
    /// Pen position of the first glyph's origin on the baseline.
    public var x: Double
    /// The baseline's y, in points from the top.
    public var baseline: Double
    /// The glyphs, positioned in ems from the run's origin.
    public var glyphs: [PositionedGlyph]
    /// The text colour.
    public var color: Color

    /// Width in ems (multiply by `size`).
    public var width: Double { glyphs.last.map { $0.x + $0.advance } ?? 0 }
}

/// A glyph of a run, its offset from the run's origin, and the UTF-8 offset of the
/// characters it came from (so that the PDF can map glyphs back to text).
public struct PositionedGlyph: Hashable, Sendable {
    /// The glyph index in the font.
    public var id: UInt32
    /// Horizontal offset from the run's origin, in ems.
    public var x: Double
    /// Vertical offset from the baseline, in ems (down positive).
    public var y: Double
    /// Advance width, in ems.
    public var advance: Double
    /// UTF-8 offset in the run's text of the characters this glyph shows.
    public var cluster: Int
}
