import Foundation

/// The typesetting the sheets share (``ReceiptSheet``, ``EmargementSheet``, ``JuryIndexSheet``):
/// text fitted to a width and a number of lines — set smaller down to the sheet's minimum size,
/// past which it is refused naming the sheet's subject and the place; never cut — and fitted lines
/// drawn as runs. One per sheet being laid out; not `Sendable` (its typesetter caches shapes).
struct SheetCanvas {
    let typesetter: Typesetter
    /// The smallest size text may be set in.
    let minimum: Double
    /// Who or what an overflow names: the pupil, the division, the centre.
    let subject: String
    /// The sheet as an overflow names it (`récépissé`, `feuille d'émargement`).
    let sheet: String

    /// `text` in `style` at `size` (or smaller, down to `minimum`) within `width` and `lines` lines
    /// of `size`; a word longer than `width` breaks between two characters with `breakWords`.
    /// - Throws: `.overflow` naming the subject and `sheet, place` when it does not fit.
    func fit(_ text: String, _ style: FontStyle, _ size: Double, _ width: Double, lines: Int, breakWords: Bool = false,
             place: String? = nil) throws(LayoutError) -> Typesetter.Fitted {
        switch typesetter.fit(text, style: style, size: size, minimum: minimum, width: width,
                              maxHeight: Double(lines) * size * Typesetter.leading, breakWords: breakWords) {
        case .success(let fitted): return fitted
        case .failure(let failure): throw .overflow(.init(pupil: subject, place: place.map { "\(sheet), \($0)" } ?? sheet, detail: "\(failure)"))
        }
    }

    /// Draws `fitted` with its first line box at `top`, from `x` (or centred in `width` from `x`).
    func draw(_ fitted: Typesetter.Fitted, _ x: Double, _ top: Double, _ width: Double = 0, center: Bool = false, into items: inout [PageItem]) {
        for (index, line) in fitted.lines.enumerated() {
            let lineWidth = line.width * fitted.size
            let originX = center ? x + (width - lineWidth) / 2 : x
            items.append(.text(typesetter.run(line, style: fitted.style, size: fitted.size, x: originX,
                                              baseline: top + Double(index) * fitted.lineHeight + fitted.size * 0.93)))
        }
    }
}

/// A ruled table over as many pages as its rows need (``EmargementSheet``, ``JuryIndexSheet``):
/// on each page the title, the heading lines and the column headers (bold, centred, on grey); a
/// row as tall as its tallest cell (at least the layout's row height), moved whole to the next
/// page when it does not fit; closing paragraphs after the last row; a footer on each page.
struct SheetTable {
    /// A cell's text (an empty text draws nothing) and how it is set; it wraps over up to ten
    /// lines, a word longer than the cell breaking between two characters (names are not prose).
    struct Cell {
        var text: String
        var style: FontStyle = .regular
        var size: Double
        var center = false
    }

    /// A paragraph after the table, `gap` points below what precedes it.
    struct Paragraph {
        var text: String
        var style: FontStyle
        var size: Double
        var gap: Double
        var breakWords = false
    }

    let canvas: SheetCanvas
    let page: LayoutSpec.PageSpec
    let sizes: EmargementSheet.Spec.Sizes
    /// The columns' ids (`col.<id>` labels their headers).
    let columnIDs: [String]
    /// The texts of the sheet's layout file, by key.
    let labels: [String: String]
    /// The columns' left edges, then the table's right edge.
    let xs: [Double]
    /// The cells' inner padding.
    let pad = 3.0

    /// A table filling the page's width, its columns in proportion to their widths.
    init(canvas: SheetCanvas, page: LayoutSpec.PageSpec, sizes: EmargementSheet.Spec.Sizes, columns: [EmargementSheet.Spec.Column],
         labels: [String: String]) {
        self.canvas = canvas
        self.page = page
        self.sizes = sizes
        self.columnIDs = columns.map(\.id)
        self.labels = labels
        let width = page.width - page.margins.left - page.margins.right
        let total = columns.reduce(0) { $0 + $1.width }
        var xs: [Double] = []
        var x = page.margins.left
        for column in columns { xs.append(x); x += column.width * width / total }
        xs.append(page.margins.left + width)
        self.xs = xs
    }

    /// The layout's text for `key` (the key itself when the layout has none).
    func label(_ key: String) -> String { labels[key] ?? key }

    /// The heading lines under the title: the établissement and its UAI; `facts` (label key and
    /// value) and the date (`YYYY-MM-DD`, printed `DD/MM/YYYY`) on one line; the `intro` text.
    func headings(etablissement: String, uai: String, facts: [(key: String, value: String)], date: String) -> [String] {
        let line = (facts + [("date", FrenchDate.format(date) ?? date)]).map { "\(label($0.key)) \($0.value)" }.joined(separator: " · ")
        return ["\(label("etablissement")) \(etablissement) (\(label("uai")) \(uai))", line, label("intro")]
    }

    /// The pages of the table: the `title` label, `headings` (full width) and the column headers on
    /// each, `rows` (a cell per column from the left), `closing`, and at the bottom of each page one
    /// line: `footer.before — <page> n <pageOf> N` and `footer.after`.
    func pages(headings: [String], rows: [[Cell]], closing: [Paragraph], footer: (before: String, after: String),
               fontFiles: [FontStyle: URL]) throws(LayoutError) -> [Page] {
        let m = page.margins
        let width = page.width - m.left - m.right
        func cellWidth(_ column: Int) -> Double { xs[column + 1] - xs[column] - 2 * pad }

        // Fixed parts, measured once.
        let title = try canvas.fit(label("title"), .bold, sizes.title, width, lines: 10)
        let headingLines = try headings.map { text throws(LayoutError) in try canvas.fit(text, .regular, sizes.body, width, lines: 10) }
        let headerCells = try columnIDs.enumerated().map { (index, id) throws(LayoutError) in
            try canvas.fit(label("col.\(id)"), .bold, sizes.small, cellWidth(index), lines: 3)
        }
        let headerRow = (headerCells.map(\.height).max() ?? 0) + 2 * pad
        var topOfTable = m.top + title.height + 4
        for heading in headingLines { topOfTable += heading.height + 1 }
        topOfTable += 6
        let bottom = page.height - m.bottom

        var bodies: [[PageItem]] = []
        var items: [PageItem] = []
        var y = 0.0
        func grid(top: Double, height: Double, into items: inout [PageItem]) {
            for xLine in xs { items.append(.rule(x1: xLine, y1: top, x2: xLine, y2: top + height, width: 0.4, color: .black)) }
            items.append(.rule(x1: m.left, y1: top, x2: m.left + width, y2: top, width: 0.4, color: .black))
            items.append(.rule(x1: m.left, y1: top + height, x2: m.left + width, y2: top + height, width: 0.4, color: .black))
        }
        func startPage(_ items: inout [PageItem]) {
            var top = m.top
            canvas.draw(title, m.left, top, width, into: &items)
            top += title.height + 4
            for heading in headingLines { canvas.draw(heading, m.left, top, width, into: &items); top += heading.height + 1 }
            y = topOfTable
            items.append(.fill(x: m.left, y: y, width: width, height: headerRow, color: .gray(0.9)))
            for (index, cell) in headerCells.enumerated() {
                canvas.draw(cell, xs[index] + pad, y + (headerRow - cell.height) / 2, cellWidth(index), center: true, into: &items)
            }
            grid(top: y, height: headerRow, into: &items)
            y += headerRow
        }
        func nextPage() {
            bodies.append(items)
            items = []
            startPage(&items)
        }
        startPage(&items)
        for row in rows {
            var cells: [(Int, Cell, Typesetter.Fitted)] = []
            for (index, cell) in row.enumerated() where !cell.text.isEmpty {
                cells.append((index, cell, try canvas.fit(cell.text, cell.style, cell.size, cellWidth(index), lines: 10, breakWords: true)))
            }
            let height = max(sizes.rowHeight, (cells.map { $0.2.height }.max() ?? 0) + 2 * pad)
            if y + height > bottom { nextPage() }
            for (index, cell, fitted) in cells {
                canvas.draw(fitted, xs[index] + pad, y + pad, cellWidth(index), center: cell.center, into: &items)
            }
            grid(top: y, height: height, into: &items)
            y += height
        }
        for paragraph in closing {
            let fitted = try canvas.fit(paragraph.text, paragraph.style, paragraph.size, width, lines: 10, breakWords: paragraph.breakWords)
            if y + fitted.height + paragraph.gap > bottom { nextPage() }
            canvas.draw(fitted, m.left, y + paragraph.gap, width, into: &items)
            y += fitted.height + paragraph.gap
        }
        bodies.append(items)

        var pages: [Page] = []
        for (index, body) in bodies.enumerated() {
            var pageItems = body
            let footerText = "\(footer.before) — \(label("page")) \(index + 1) \(label("pageOf")) \(bodies.count)\(footer.after)"
            let footerLine = try canvas.fit(footerText, .regular, sizes.small, width, lines: 1)
            let footerTop = page.height - m.bottom + 6
            pageItems.append(.rule(x1: m.left, y1: footerTop - 2, x2: m.left + width, y2: footerTop - 2, width: 0.25, color: .gray(0.45)))
            canvas.draw(footerLine, m.left, footerTop, width, into: &pageItems)
            pages.append(Page(width: page.width, height: page.height, items: pageItems, fontFiles: fontFiles))
        }
        return pages
    }
}
