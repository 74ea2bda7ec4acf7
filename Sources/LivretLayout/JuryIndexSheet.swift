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
        let canvas = SheetCanvas(typesetter: Typesetter(fonts: fonts), minimum: spec.sizes.minimum, subject: header.centre, sheet: "index du paquet jury")
        let table = SheetTable(canvas: canvas, page: spec.page, sizes: spec.sizes, columns: spec.columns, labels: spec.labels)
        let body = spec.sizes.body
        let cells = rows.map { row in
            let identity = [SheetTable.Cell(text: row.nom, style: .bold, size: body), SheetTable.Cell(text: row.prenoms, size: body),
                            SheetTable.Cell(text: row.ine, size: body), SheetTable.Cell(text: row.division, size: body, center: true),
                            SheetTable.Cell(text: row.serie, size: body, center: true)]
            // The SHA-256 column, set small and not centred, says why a candidate has no livret.
            guard let missing = row.missing else {
                return identity + [SheetTable.Cell(text: row.version, size: body, center: true), SheetTable.Cell(text: row.sha256, size: spec.sizes.small),
                                   SheetTable.Cell(text: String(row.pages), size: body, center: true)]
            }
            return identity + [SheetTable.Cell(text: "", size: body), SheetTable.Cell(text: "\(label("missing")) \(missing)", size: spec.sizes.small)]
        }
        return try table.pages(
            headings: table.headings(etablissement: header.etablissement, uai: header.uai,
                                     facts: [("centre", header.centre), ("session", header.session)], date: header.date),
            rows: cells,
            closing: [.init(text: "\(label("total")) \(rows.filter { $0.missing == nil }.count) / \(rows.count)", style: .italic, size: body, gap: 4)],
            footer: ("\(header.etablissement) — \(header.centre) \(header.session)", ""), fontFiles: fonts.files)
    }
}
