import Foundation

/// The hand-over sheet of a print run (*feuille d'émargement*): one row per pupil printed, with
/// the page count and the short fingerprint of the PDF handed over, and boxes for the date and
/// the signature of the responsable légal. Its page and labels come from `Layouts/emargement.json`.
public struct EmargementSheet: Sendable {
    /// The hand-over sheet's layout file (`Layouts/emargement.json`).
    public struct Spec: Codable, Hashable, Sendable {
        /// Page size and margins.
        public var page: LayoutSpec.PageSpec
        /// Font sizes and row height.
        public var sizes: Sizes
        /// The table's columns, left to right.
        public var columns: [Column]
        /// Texts printed on the sheet, by key.
        public var labels: [String: String]

        /// Font sizes (points) and the height of a pupil's row.
        public struct Sizes: Codable, Hashable, Sendable {
            /// The title's size.
            public var title: Double
            /// The rows' text size.
            public var body: Double
            /// The size of notes and fingerprints.
            public var small: Double
            /// The smallest size text may be set in to fit.
            public var minimum: Double
            /// The height of a pupil's row (room for a signature).
            public var rowHeight: Double
        }

        /// A column of the table.
        public struct Column: Codable, Hashable, Sendable {
            /// What the column holds (`nom`, `prenom`, `ine`, …).
            public var id: String
            /// Width in points.
            public var width: Double
        }

        static let columnIDs = ["nom", "prenom", "ine", "pages", "empreinte", "date", "signature"]
        static let requiredLabels = [
            "title", "etablissement", "division", "anneeScolaire", "date", "uai", "page", "pageOf", "intro", "total",
        ] + columnIDs.map { "col.\($0)" }

        /// Reads and checks a sheet layout file.
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

    /// One pupil printed: a row of the sheet.
    public struct Row: Hashable, Sendable {
        /// Family name.
        public var nom: String
        /// First names.
        public var prenoms: String
        /// The pupil's INE.
        public var ine: String
        /// Pages of the pupil's livret.
        public var pages: Int
        /// SHA-256 of the pupil's PDF, hex; the sheet prints its first 16 digits.
        public var sha256: String

        /// - Parameters: see the properties; `sha256` is the hex digest of the pupil's PDF.
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

    /// What the sheet's heading says.
    public struct Header: Hashable, Sendable {
        /// The établissement's name.
        public var etablissement: String
        /// The établissement's UAI.
        public var uai: String
        /// The division code.
        public var division: String
        /// The school year, e.g. `2015-2016`.
        public var anneeScolaire: String
        /// `YYYY-MM-DD`.
        public var date: String
        /// The head of the journal after this class's livrets were recorded (`seq:16 hex`),
        /// printed at the bottom of each page; nil: none.
        public var journal: String?
        /// The same head signed with the lycée's key (`LSLJ1:…`), printed once below the table
        /// for `livret journal verify --witness`; nil: none.
        public var signedJournal: String?

        /// - Parameters: see the properties; `date` is the hand-over date (YYYY-MM-DD).
        public init(etablissement: String, uai: String, division: String, anneeScolaire: String, date: String, journal: String? = nil,
                    signedJournal: String? = nil) {
            self.journal = journal
            self.signedJournal = signedJournal
            self.etablissement = etablissement
            self.uai = uai
            self.division = division
            self.anneeScolaire = anneeScolaire
            self.date = date
        }
    }

    /// The sheet's layout.
    public let spec: Spec
    /// The fonts the sheet is shaped with.
    public let fonts: FontSet

    /// - Parameters:
    ///   - spec: the sheet's layout.
    ///   - fonts: the fonts to shape with (the default layout's).
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
        y += totalText.height + 4
        if let signed = header.signedJournal {
            // A token without spaces: it breaks between two characters, over as many lines as it needs.
            let signedText = try fit("\(label("signedJournal")) \(signed)", .regular, spec.sizes.small, width, breakWords: true)
            if y + signedText.height + 6 > bottom { bodies.append(items); items = []; startPage(&items) }
            draw(signedText, m.left, y + 6, width, into: &items)
        }
        bodies.append(items)

        var pages: [Page] = []
        for (index, body) in bodies.enumerated() {
            var pageItems = body
            let footer = try fit("\(header.etablissement) — \(header.division) — \(label("page")) \(index + 1) \(label("pageOf")) \(bodies.count)\(header.journal.map { " — Journal : \($0)" } ?? "")", .regular, spec.sizes.small, width, lines: 1)
            let footerTop = spec.page.height - m.bottom + 6
            pageItems.append(.rule(x1: m.left, y1: footerTop - 2, x2: m.left + width, y2: footerTop - 2, width: 0.25, color: .gray(0.45)))
            draw(footer, m.left, footerTop, width, into: &pageItems)
            pages.append(Page(width: spec.page.width, height: spec.page.height, items: pageItems, fontFiles: fonts.files))
        }
        return pages
    }
}
