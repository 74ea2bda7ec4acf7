import Foundation

/// The hand-over sheet of a print run (*feuille d'émargement*): one row per pupil printed, with
/// the page count and the short fingerprint of the PDF handed over, and boxes for the date and
/// the signature of the responsable légal. Its page and labels come from `Layouts/emargement.json`.
public struct EmargementSheet: Sendable {
    public struct Spec: Codable, Hashable, Sendable {
        public var page: LayoutSpec.PageSpec
        public var sizes: Sizes
        public var columns: [Column]
        public var labels: [String: String]

        public struct Sizes: Codable, Hashable, Sendable {
            public var title: Double
            public var body: Double
            public var small: Double
            public var minimum: Double
            public var rowHeight: Double
        }

        public struct Column: Codable, Hashable, Sendable {
            public var id: String
            public var width: Double
        }

        static let columnIDs = ["nom", "prenom", "ine", "pages", "empreinte", "date", "signature"]
        static let requiredLabels = [
            "title", "etablissement", "division", "anneeScolaire", "date", "uai", "page", "pageOf", "intro", "total",
        ] + columnIDs.map { "col.\($0)" }

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

    public struct Row: Hashable, Sendable {
        public var nom: String
        public var prenoms: String
        public var ine: String
        public var pages: Int
        /// SHA-256 of the pupil's PDF, hex; the sheet prints its first 16 digits.
        public var sha256: String

        public init(nom: String, prenoms: String, ine: String, pages: Int, sha256: String) {
            self.nom = nom
            self.prenoms = prenoms
            self.ine = ine
            self.pages = pages
            self.sha256 = sha256
        }

        /// `3f2a 9c1b 77de 0a41`: the first 64 bits of the digest, grouped for reading aloud.
        public var shortFingerprint: String {
            let prefix = Array(sha256.prefix(16))
            return stride(from: 0, to: prefix.count, by: 4).map { String(prefix[$0..<min($0 + 4, prefix.count)]) }.joined(separator: " ")
        }
    }

    public struct Header: Hashable, Sendable {
        public var etablissement: String
        public var uai: String
        public var division: String
        public var anneeScolaire: String
        /// `YYYY-MM-DD`.
        public var date: String

        public init(etablissement: String, uai: String, division: String, anneeScolaire: String, date: String) {
            self.etablissement = etablissement
            self.uai = uai
            self.division = division
            self.anneeScolaire = anneeScolaire
            self.date = date
        }
    }

    public let spec: Spec
    public let fonts: FontSet

    public init(spec: Spec, fonts: FontSet) {
        self.spec = spec
        self.fonts = fonts
    }

    func label(_ key: String) -> String { spec.labels[key] ?? key }

    /// The sheet's pages: header and footer (with `page n / N`) on each.
    public func layout(header: Header, rows: [Row]) throws(LayoutError) -> [Page] {
        let typesetter = Typesetter(fonts: fonts)
        let m = spec.page.margins
        let width = spec.page.width - m.left - m.right
        let pad = 3.0
        func fit(_ text: String, _ style: FontStyle, _ size: Double, _ w: Double, lines: Int = 10, breakWords: Bool = false) throws(LayoutError) -> Typesetter.Fitted {
            switch typesetter.fit(
                text, style: style, size: size, minimum: spec.sizes.minimum, width: w,
                maxHeight: Double(lines) * size * Typesetter.leading, breakWords: breakWords) {
            case .success(let fitted): return fitted
            case .failure(let failure): throw .overflow(.init(pupil: header.division, place: "feuille d'émargement", detail: "\(failure)"))
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

        // Fixed parts, measured once.
        let title = try fit(label("title"), .bold, spec.sizes.title, width)
        let facts = [
            "\(label("etablissement")) \(header.etablissement) (\(label("uai")) \(header.uai))",
            "\(label("division")) \(header.division) · \(label("anneeScolaire")) \(header.anneeScolaire) · \(label("date")) \(FrenchDate.format(header.date) ?? header.date)",
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
        func grid(top: Double, height: Double, into items: inout [PageItem]) {
            for xLine in xs { items.append(.rule(x1: xLine, y1: top, x2: xLine, y2: top + height, width: 0.4, color: .black)) }
            items.append(.rule(x1: m.left, y1: top, x2: m.left + width, y2: top, width: 0.4, color: .black))
            items.append(.rule(x1: m.left, y1: top + height, x2: m.left + width, y2: top + height, width: 0.4, color: .black))
        }
        startPage(&items)
        for row in rows {
            let values = [row.nom, row.prenoms, row.ine, String(row.pages), row.shortFingerprint, "", ""]
            var cells: [Typesetter.Fitted] = []
            for (index, value) in values.enumerated() where !value.isEmpty {
                let style: FontStyle = index == 0 ? .bold : .regular
                // Names are not prose: a name longer than its cell breaks between two letters.
                cells.append(try fit(value, style, spec.sizes.body, xs[index + 1] - xs[index] - 2 * pad, breakWords: true))
            }
            let height = max(spec.sizes.rowHeight, (cells.map(\.height).max() ?? 0) + 2 * pad)
            if y + height > bottom {
                bodies.append(items)
                items = []
                startPage(&items)
            }
            var cellIndex = 0
            for (index, value) in values.enumerated() where !value.isEmpty {
                draw(cells[cellIndex], xs[index] + pad, y + pad, xs[index + 1] - xs[index] - 2 * pad, center: index >= 3, into: &items)
                cellIndex += 1
            }
            grid(top: y, height: height, into: &items)
            y += height
        }
        let totalText = try fit("\(label("total")) \(rows.count)", .italic, spec.sizes.body, width)
        if y + totalText.height + 4 > bottom { bodies.append(items); items = []; startPage(&items) }
        draw(totalText, m.left, y + 4, width, into: &items)
        bodies.append(items)

        var pages: [Page] = []
        for (index, body) in bodies.enumerated() {
            var pageItems = body
            let footer = try fit("\(header.etablissement) — \(header.division) — \(label("page")) \(index + 1) \(label("pageOf")) \(bodies.count)", .regular, spec.sizes.small, width, lines: 1)
            let footerTop = spec.page.height - m.bottom + 6
            pageItems.append(.rule(x1: m.left, y1: footerTop - 2, x2: m.left + width, y2: footerTop - 2, width: 0.25, color: .gray(0.45)))
            draw(footer, m.left, footerTop, width, into: &pageItems)
            pages.append(Page(width: spec.page.width, height: spec.page.height, items: pageItems))
        }
        return pages
    }
}
