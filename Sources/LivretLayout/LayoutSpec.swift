import Foundation
import LivretModel

/// A livret model, read from one declarative file in `Layouts/` (e.g. `gt-2012.json`):
/// page, margins, fonts and sizes, the minimum size for shrink-to-fit, column widths,
/// section order and every fixed French label. See `docs/layouts.md`.
public struct LayoutSpec: Codable, Hashable, Sendable {
    /// The layout's name, e.g. `gt-2012`.
    public var id: String
    /// What the layout is for, in words.
    public var description: String
    /// Page size and margins.
    public var page: PageSpec
    /// Font file names by style (`regular`, `bold`, `italic`, `boldItalic`), plain names of files
    /// of the fonts folder; missing styles use `FontSet.fileNames`.
    public var fonts: [String: String]?
    /// Font sizes and rule widths.
    public var sizes: Sizes
    /// Colours (RGB components in 0…1).
    public var colors: Colors
    /// The sections of a livret, in order.
    public var sections: [Section]
    /// Sections that start on a new page.
    public var newPageBefore: [Section]?
    /// The table of a school year.
    public var yearTable: YearTable
    /// Texts printed on the livret, by key.
    public var labels: [String: String]

    /// Page size and margins, in points.
    public struct PageSpec: Codable, Hashable, Sendable {
        /// Width in points.
        public var width: Double
        /// Height in points.
        public var height: Double
        /// The margins.
        public var margins: Margins
    }

    /// Margins in points.
    public struct Margins: Codable, Hashable, Sendable {
        /// Top margin.
        public var top: Double
        /// Right margin.
        public var right: Double
        /// Bottom margin.
        public var bottom: Double
        /// Left margin.
        public var left: Double
    }

    /// Font sizes, padding and rule widths, in points.
    public struct Sizes: Codable, Hashable, Sendable {
        /// The title.
        public var title: Double
        /// Section headings.
        public var heading: Double
        /// The pupil's name in the header.
        public var name: Double
        /// The identity band.
        public var identity: Double
        /// Table headers.
        public var tableHeader: Double
        /// Body text (appreciations).
        public var body: Double
        /// Marks and statistics.
        public var numbers: Double
        /// The footer.
        public var footer: Double
        /// No text is set smaller than this; past it the livret is refused.
        public var minimum: Double
        /// Padding inside a cell.
        public var cellPadding: Double
        /// Width of section rules.
        public var ruleWidth: Double
        /// Width of table grid lines.
        public var gridWidth: Double
    }

    /// Colours as `[red, green, blue]` in 0…1.
    public struct Colors: Codable, Hashable, Sendable {
        /// Titles and rules.
        public var accent: [Double]
        /// Table header background.
        public var headerFill: [Double]
        /// Group rows background.
        public var groupFill: [Double]
        /// Grid lines.
        public var grid: [Double]
        /// Notes and footer text.
        public var muted: [Double]
    }

    /// A section of a livret.
    public enum Section: String, Codable, Hashable, Sendable {
        case annees, engagements, avisExamen
    }

    /// The table of a school year: its columns and the levels it is printed for.
    public struct YearTable: Codable, Hashable, Sendable {
        /// The columns, left to right.
        public var columns: [Column]
        /// The levels (`premiere`, `terminale`) with a table.
        public var levels: [String]
    }

    /// A column of the year table.
    public struct Column: Codable, Hashable, Sendable {
        /// What the column holds.
        public var id: ColumnID
        /// Width in points.
        public var width: Double
    }

    /// What a column of the year table holds.
    public enum ColumnID: String, Codable, Hashable, Sendable, CaseIterable {
        case discipline, periodes, annee, effectif, moinsDeHuit, huitADouze, douzeEtPlus, moyenneGroupe
        case competence, niveaux, appreciation
    }

    /// The labels the engine needs; a layout file that lacks one is refused when it is loaded.
    public static let requiredLabels: [String] = [
        "title", "baccalaureat.generale", "baccalaureat.technologique", "baccalaureat.professionnelle", "serie",
        "neLe", "ine", "division", "uai", "academie", "chef", "page", "pageOf", "footer.title",
        "annees.title", "niveau.premiere", "niveau.terminale", "anneeScolaire", "periodes.T", "periodes.S",
        "periode.T", "periode.S", "legend", "col.discipline", "col.eleve", "col.annee", "col.groupe",
        "col.effectif", "col.repartition", "col.moinsDeHuit", "col.huitADouze", "col.douzeEtPlus",
        "col.moyenneGroupe", "col.competences", "col.competence", "col.appreciation", "nonNote",
        "sansEvaluationChiffree", "parcours.title", "engagements.title", "engagement.C", "engagement.V",
        "engagement.A", "engagement.E", "engagement.S", "engagement.autre", "observations.title",
        "investissement.title", "nom", "date", "signature", "aucunAvis", "examen.title", "examen.avisEquipe",
        "examen.T", "examen.F", "examen.A", "examen.D", "examen.eleve", "examen.parts", "examen.effectif",
        "examen.pasDAvis", "visaChef.title", "eleve.title", "eleve.texte", "jury.title", "jury.premier",
        "jury.deuxieme",
    ]

    /// Reads and checks a layout file.
    public static func load(from url: URL) throws(LayoutError) -> LayoutSpec {
        let spec = try decodeFile(url, as: LayoutSpec.self)
        try spec.check(file: url.path)
        return spec
    }

    /// Decodes one of the layout folder's JSON files; errors name the file and the key.
    static func decodeFile<T: Decodable>(_ url: URL, as type: T.Type) throws(LayoutError) -> T {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > InputLimits.layoutBytes {
            throw .layoutFile(file: url.path, message: "\(size) bytes is over the size limit of a layout file (\(InputLimits.layoutBytes) bytes): not read")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .resource("cannot read \(url.path)") }
        let checked = JSONInputCheck(stringLimit: InputLimits.longTextCharacters).problems(in: data)
        if !checked.problems.isEmpty {
            throw .layoutFile(file: url.path, message: checked.problems.map { $0.path.isEmpty ? $0.message : "\($0.path): \($0.message)" }.joined(separator: "; "))
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw .layoutFile(file: url.path, message: describe(error))
        } catch {
            throw .layoutFile(file: url.path, message: "\(error)")
        }
    }

    func check(file: String) throws(LayoutError) {
        if let missing = Self.requiredLabels.first(where: { labels[$0] == nil }) {
            throw .layoutFile(file: file, message: "labels.\(missing) is missing")
        }
        let ids = yearTable.columns.map(\.id)
        for id in ColumnID.allCases where !ids.contains(id) {
            throw .layoutFile(file: file, message: "yearTable.columns has no column \(MessageText.quoted(id.rawValue))")
        }
        if ids.count != Set(ids).count { throw .layoutFile(file: file, message: "yearTable.columns names a column twice") }
        if yearTable.columns.contains(where: { $0.width <= 0 }) {
            throw .layoutFile(file: file, message: "yearTable.columns: every width must be positive")
        }
        if yearTable.levels.isEmpty { throw .layoutFile(file: file, message: "yearTable.levels is empty") }
        let s = sizes
        for (name, value) in [("title", s.title), ("heading", s.heading), ("name", s.name), ("identity", s.identity),
                              ("tableHeader", s.tableHeader), ("body", s.body), ("numbers", s.numbers), ("footer", s.footer)]
        where value < s.minimum {
            throw .layoutFile(file: file, message: "sizes.\(name) (\(value)) is below sizes.minimum (\(s.minimum))")
        }
        if s.minimum < 4 { throw .layoutFile(file: file, message: "sizes.minimum (\(s.minimum)) is below 4 pt: unreadable") }
        let m = page.margins
        if page.width - m.left - m.right < 200 || page.height - m.top - m.bottom < 200 {
            throw .layoutFile(file: file, message: "page: margins leave less than 200 pt")
        }
        for (name, rgb) in [("accent", colors.accent), ("headerFill", colors.headerFill), ("groupFill", colors.groupFill),
                            ("grid", colors.grid), ("muted", colors.muted)]
        where rgb.count != 3 || rgb.contains(where: { !(0...1).contains($0) }) {
            throw .layoutFile(file: file, message: "colors.\(name) must be three numbers in 0…1")
        }
        if sections.isEmpty { throw .layoutFile(file: file, message: "sections is empty") }
    }

    /// The text of label `key`, or the key itself when the layout has none.
    public func label(_ key: String) -> String { labels[key] ?? key }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension Color {
    init(_ rgb: [Double]) {
        self.init(red: rgb[0], green: rgb[1], blue: rgb[2])
    }
}
