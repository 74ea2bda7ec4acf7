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

    /// The sheet's pages: header and footer (with `page n / N`) on each. Nothing is cut: a name too
    /// long for its cell wraps, breaking between two letters.
    public func layout(header: Header, rows: [Row]) throws(LayoutError) -> [Page] {
        let canvas = SheetCanvas(typesetter: Typesetter(fonts: fonts), minimum: spec.sizes.minimum, subject: header.division, sheet: "feuille d'émargement")
        let table = SheetTable(canvas: canvas, page: spec.page, sizes: spec.sizes, columns: spec.columns, labels: spec.labels)
        let body = spec.sizes.body
        var closing = [SheetTable.Paragraph(text: "\(label("total")) \(rows.count)", style: .italic, size: body, gap: 4)]
        if let signed = header.signedJournal {
            // A token without spaces: it breaks between two characters, over as many lines as it needs.
            closing.append(.init(text: "\(label("signedJournal")) \(signed)", style: .regular, size: spec.sizes.small, gap: 6, breakWords: true))
        }
        // The date and signature columns stay empty, for the responsable légal's hand.
        let cells = rows.map { row in
            [SheetTable.Cell(text: row.nom, style: .bold, size: body), SheetTable.Cell(text: row.prenoms, size: body),
             SheetTable.Cell(text: row.ine, size: body), SheetTable.Cell(text: String(row.pages), size: body, center: true),
             SheetTable.Cell(text: row.shortFingerprint, size: body, center: true)]
        }
        return try table.pages(
            headings: table.headings(etablissement: header.etablissement, uai: header.uai,
                                     facts: [("division", header.division), ("anneeScolaire", header.anneeScolaire)], date: header.date),
            rows: cells, closing: closing,
            footer: ("\(header.etablissement) — \(header.division)", header.journal.map { " — Journal : \($0)" } ?? ""), fontFiles: fonts.files)
    }
}
