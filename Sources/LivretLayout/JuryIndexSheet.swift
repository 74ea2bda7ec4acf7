import Foundation

/// The index of a jury package (`data/index.pdf`): one row per candidate, in the class-list order,
/// with name, INE, division, série, archive version, SHA-256 and page count of the livret sent, for
/// the jury's table. Its page and labels come from `Layouts/jury-index.json`; built like
/// ``EmargementSheet``.
public struct JuryIndexSheet: Sendable {
    /// The layout file's content.
    public struct Spec: Codable, Hashable, Sendable {
        public var page: LayoutSpec.PageSpec
        public var sizes: EmargementSheet.Spec.Sizes
        public var columns: [EmargementSheet.Spec.Column]
        public var labels: [String: String]

        static let columnIDs = ["nom", "prenom", "ine", "division", "serie", "version", "sha256", "pages"]
        static let requiredLabels = ["title", "etablissement", "uai", "centre", "session", "date", "intro", "total", "missing", "page", "pageOf"]
            + columnIDs.map { "col.\($0)" }

        /// Reads and checks the layout file.
        public static func load(from url: URL) throws(LayoutError) -> Spec {
            let spec = try LayoutSpec.decodeFile(url, as: Spec.self)
            if let missing = requiredLabels.first(where: { spec.labels[$0] == nil }) {
                throw .layoutFile(file: url.path, message: "labels.\(missing) is missing")
            }
            if spec.columns.map(\.id) != columnIDs {
                throw .layoutFile(file: url.path, message: "columns must be \(columnIDs.joined(separator: ", ")) in that order")
            }
            return spec
        }
    }

    /// One candidate; `missing` (e.g. "absent") replaces version, SHA-256 and pages.
    public struct Row: Hashable, Sendable {
        public var nom, prenoms, ine, division, serie, version, sha256: String
        public var pages: Int
        public var missing: String?

        /// A row.
        public init(nom: String, prenoms: String, ine: String, division: String, serie: String, version: String, sha256: String, pages: Int,
                    missing: String? = nil) {
            self.nom = nom; self.prenoms = prenoms; self.ine = ine; self.division = division; self.serie = serie
            self.version = version; self.sha256 = sha256; self.pages = pages; self.missing = missing
        }
    }

    /// The heading.
    public struct Header: Hashable, Sendable {
        public var etablissement, uai, centre, session: String
        /// `YYYY-MM-DD`.
        public var date: String

        /// A heading.
        public init(etablissement: String, uai: String, centre: String, session: String, date: String) {
            self.etablissement = etablissement; self.uai = uai; self.centre = centre; self.session = session; self.date = date
        }
    }

    public let spec: Spec
    public let fonts: FontSet

    /// A sheet drawn with `fonts`.
    public init(spec: Spec, fonts: FontSet) {
        self.spec = spec
        self.fonts = fonts
    }

    func label(_ key: String) -> String { spec.labels[key] ?? key }

    /// The pages: heading on each, `page n / N` in the footer. Nothing is cut: a value too long for
    /// its cell wraps (a SHA-256 breaks between digits).
    public func layout(header: Header, rows: [Row]) throws(LayoutError) -> [Page] {
        let typesetter = Typesetter(fonts: fonts)
        let m = spec.page.margins
        let width = spec.page.width - m.left - m.right
        let pad = 3.0
        func fit(_ text: String, _ style: FontStyle, _ size: Double, _ w: Double, lines: Int = 10, breakWords: Bool = false) throws(LayoutError) -> Typesetter.Fitted {
            switch typesetter.fit(text, style: style, size: size, minimum: spec.sizes.minimum, width: w,
                                  maxHeight: Double(lines) * size * Typesetter.leading, breakWords: breakWords) {
            case .success(let fitted): return fitted
            case .failure(let failure): throw .overflow(.init(pupil: header.centre, place: "index du paquet jury", detail: "\(failure)"))
            }
        }
        func draw(_ fitted: Typesetter.Fitted, _ x: Double, _ top: Double, _ w: Double, center: Bool = false, into items: inout [PageItem]) {
            for (index, line) in fitted.lines.enumerated() {
                let lineWidth = line.width * fitted.size
                let originX = center ? x + (w - lineWidth) / 2 : x
                items.append(.text(typesetter.run(line, style: fitted.style, size: fitted.size, x: originX,
                                                  baseline: top + Double(index) * fitted.lineHeight + fitted.size * 0.93)))
            }
        }
        let total = spec.columns.reduce(0) { $0 + $1.width }
        var xs: [Double] = []
        var x = m.left
        for column in spec.columns { xs.append(x); x += column.width * width / total }
        xs.append(m.left + width)

        let title = try fit(label("title"), .bold, spec.sizes.title, width)
        let facts = [
            "\(label("etablissement")) \(header.etablissement) (\(label("uai")) \(header.uai))",
            "\(label("centre")) \(header.centre) · \(label("session")) \(header.session) · \(label("date")) \(FrenchDate.format(header.date) ?? header.date)",
            label("intro"),
        ]
        let factLines = try facts.map { text throws(LayoutError) in try fit(text, .regular, spec.sizes.body, width) }
        let headerCells = try spec.columns.enumerated().map { (index, column) throws(LayoutError) in
            try fit(label("col.\(column.id)"), .bold, spec.sizes.small, xs[index + 1] - xs[index] - 2 * pad, lines: 3)
        }
        let headerRow = (headerCells.map(\.height).max() ?? 0) + 2 * pad
        var topOfTable = m.top + title.height + 4
        for fact in factLines { topOfTable += fact.height + 1 }
        topOfTable += 6
        let bottom = spec.page.height - m.bottom

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
            draw(title, m.left, top, width, into: &items)
            top += title.height + 4
            for fact in factLines { draw(fact, m.left, top, width, into: &items); top += fact.height + 1 }
            y = topOfTable
            items.append(.fill(x: m.left, y: y, width: width, height: headerRow, color: .gray(0.9)))
            for (index, cell) in headerCells.enumerated() {
                draw(cell, xs[index] + pad, y + (headerRow - cell.height) / 2, xs[index + 1] - xs[index] - 2 * pad, center: true, into: &items)
            }
            grid(top: y, height: headerRow, into: &items)
            y += headerRow
        }
        startPage(&items)
        for row in rows {
            let values: [String]
            if let missing = row.missing {
                values = [row.nom, row.prenoms, row.ine, row.division, row.serie, "", "\(label("missing")) \(missing)", ""]
            } else {
                values = [row.nom, row.prenoms, row.ine, row.division, row.serie, row.version, row.sha256, String(row.pages)]
            }
            var cells: [(Int, Typesetter.Fitted)] = []
            for (index, value) in values.enumerated() where !value.isEmpty {
                let style: FontStyle = index == 0 ? .bold : .regular
                let size = index == 6 ? spec.sizes.small : spec.sizes.body
                cells.append((index, try fit(value, style, size, xs[index + 1] - xs[index] - 2 * pad, breakWords: true)))
            }
            let height = max(spec.sizes.rowHeight, (cells.map { $0.1.height }.max() ?? 0) + 2 * pad)
            if y + height > bottom {
                bodies.append(items)
                items = []
                startPage(&items)
            }
            for (index, cell) in cells {
                draw(cell, xs[index] + pad, y + pad, xs[index + 1] - xs[index] - 2 * pad, center: index >= 3 && index != 6, into: &items)
            }
            grid(top: y, height: height, into: &items)
            y += height
        }
        let totalText = try fit("\(label("total")) \(rows.filter { $0.missing == nil }.count) / \(rows.count)", .italic, spec.sizes.body, width)
        if y + totalText.height + 4 > bottom { bodies.append(items); items = []; startPage(&items) }
        draw(totalText, m.left, y + 4, width, into: &items)
        bodies.append(items)

        var pages: [Page] = []
        for (index, body) in bodies.enumerated() {
            var pageItems = body
            let footer = try fit("\(header.etablissement) — \(header.centre) \(header.session) — \(label("page")) \(index + 1) \(label("pageOf")) \(bodies.count)",
                                 .regular, spec.sizes.small, width, lines: 1)
            let footerTop = spec.page.height - m.bottom + 6
            pageItems.append(.rule(x1: m.left, y1: footerTop - 2, x2: m.left + width, y2: footerTop - 2, width: 0.25, color: .gray(0.45)))
            draw(footer, m.left, footerTop, width, into: &pageItems)
            pages.append(Page(width: spec.page.width, height: spec.page.height, items: pageItems))
        }
        return pages
    }
}
