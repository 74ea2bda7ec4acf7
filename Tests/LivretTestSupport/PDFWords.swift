import Foundation

/// The words of a PDF with their boxes, as `pdftotext -tsv` reads them: what a reader sees, where.
public struct PDFWord: Hashable, Sendable {
    public var page: Int
    public var left: Double
    public var top: Double
    public var width: Double
    public var height: Double
    public var text: String
    public var right: Double { left + width }
    public var bottom: Double { top + height }
    public var midY: Double { top + height / 2 }
}

public struct PDFWords: Sendable {
    public var words: [PDFWord]

    public init(pdf: URL) throws {
        let result = try TestSupport.run("pdftotext", ["-tsv", "-enc", "UTF-8", pdf.path, "-"])
        var words: [PDFWord] = []
        for line in result.stdoutText.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 12, fields[0] == "5",
                  let page = Int(fields[1]), let left = Double(fields[6]), let top = Double(fields[7]),
                  let width = Double(fields[8]), let height = Double(fields[9])
            else { continue }
            words.append(PDFWord(page: page, left: left, top: top, width: width, height: height, text: String(fields[11...].joined(separator: "\t"))))
        }
        self.words = words
    }

    /// The first word equal to `text` (on `page` if given).
    public func first(_ text: String, page: Int? = nil) -> PDFWord? {
        words.first { $0.text == text && (page == nil || $0.page == page) }
    }

    /// The words on the same line as `anchor` (their vertical middles within `tolerance`), left to right.
    public func row(of anchor: PDFWord, tolerance: Double = 1.5) -> [PDFWord] {
        words.filter { $0.page == anchor.page && abs($0.midY - anchor.midY) <= tolerance }.sorted { $0.left < $1.left }
    }

    /// The words inside a rectangle of a page, in reading order (top to bottom, then left to right).
    public func inside(page: Int, left: Double, right: Double, top: Double, bottom: Double) -> [PDFWord] {
        words.filter { $0.page == page && $0.left >= left - 0.5 && $0.right <= right + 0.5 && $0.top >= top - 0.5 && $0.bottom <= bottom + 0.5 }
            .sorted { abs($0.top - $1.top) > 1.5 ? $0.top < $1.top : $0.left < $1.left }
    }

    /// All the text, words joined by single spaces (wrapping and columns forgotten).
    public var joined: String { words.map(\.text).joined(separator: " ") }
}

extension String {
    /// Runs of white space (including no-break spaces) folded to one space.
    public var foldingSpaces: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
