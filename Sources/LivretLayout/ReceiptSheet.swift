import Foundation
import LivretModel

/// The hand-over receipt (*récépissé de remise*): one A4 page in two parts separated by a dashed
/// cut line. Above, the family's part: the établissement, the pupil, the livret version handed over
/// (archive object and version, full SHA-256 in groups of four, page count), the date of issue,
/// the chef d'établissement, the journal head and a QR code holding the verification string.
/// Below, the school's stub: the same identifiers and QR code, and room for the date of receipt
/// and the signature of the responsable légal. Page, sizes and labels come from
/// `Layouts/recepisse.json`. Nothing is cut: a value too long is wrapped, then set smaller down
/// to the layout's minimum size, past which the receipt is refused naming the pupil.
public struct ReceiptSheet: Sendable {
    /// The receipt's layout file (`Layouts/recepisse.json`).
    public struct Spec: Codable, Hashable, Sendable {
        /// Page size and margins.
        public var page: LayoutSpec.PageSpec
        /// Font sizes.
        public var sizes: Sizes
        /// Texts printed on the receipt, by key.
        public var labels: [String: String]

        /// Font sizes and the QR code's side (points).
        public struct Sizes: Codable, Hashable, Sendable {
            /// The titles' size.
            public var title: Double
            /// The identifiers' size.
            public var body: Double
            /// Notes, the verification string, the cut line's text.
            public var small: Double
            /// The smallest size text may be set in to fit.
            public var minimum: Double
            /// The side of the QR code with its quiet zone.
            public var qr: Double
        }

        static let requiredLabels = [
            "title", "familyPart", "stubTitle", "etablissement", "uai", "eleve", "ine", "annee", "division", "objet",
            "version", "sha256", "pages", "dateRemise", "chef", "journal", "code", "familyNote", "cut", "stubNote",
            "recuLe", "responsable", "signature",
        ]

        /// Reads and checks a receipt layout file.
        public static func load(from url: URL) throws(LayoutError) -> Spec {
            let spec = try LayoutSpec.decodeFile(url, as: Spec.self)
            if let missing = requiredLabels.first(where: { spec.labels[$0] == nil }) {
                throw .layoutFile(file: url.path, message: "labels.\(missing) is missing")
            }
            let s = spec.sizes
            guard s.minimum > 0, s.minimum <= s.small, s.small <= s.body, s.body <= s.title, s.qr >= 60 else {
                throw .layoutFile(file: url.path, message: "sizes: need 0 < minimum ≤ small ≤ body ≤ title and qr ≥ 60")
            }
            return spec
        }
    }

    /// What one receipt names.
    public struct Content: Hashable, Sendable {
        /// The établissement's name.
        public var etablissement: String
        /// Family name of the pupil.
        public var nom: String
        /// First names.
        public var prenoms: String
        /// The division.
        public var division: String
        /// The archive object, `urn:lsl:ine:<INE>`.
        public var object: String
        /// Pages of the livret handed over.
        public var pages: Int
        /// The date of issue, `YYYY-MM-DD`.
        public var date: String
        /// The chef d'établissement as printed (`M. Anaël ROUSSEAU`); nil: not known.
        public var chef: String?
        /// The journal head (`SEQ:HEX16`) when the receipt was made; nil: none.
        public var journal: String?
        /// UAI, INE, année, version and SHA-256 of the livret handed over.
        public var code: ReceiptCode
        /// What the QR code holds: the code, or an address carrying it.
        public var qrText: String

        /// - Parameters: see the properties.
        public init(etablissement: String, nom: String, prenoms: String, division: String, object: String, pages: Int, date: String,
                    chef: String?, journal: String?, code: ReceiptCode, qrText: String) {
            self.etablissement = etablissement
            self.nom = nom
            self.prenoms = prenoms
            self.division = division
            self.object = object
            self.pages = pages
            self.date = date
            self.chef = chef
            self.journal = journal
            self.code = code
            self.qrText = qrText
        }
    }

    /// The receipt's layout.
    public let spec: Spec
    /// The fonts the receipt is shaped with.
    public let fonts: FontSet

    /// - Parameters:
    ///   - spec: the receipt's layout.
    ///   - fonts: the fonts to shape with (the default layout's).
    public init(spec: Spec, fonts: FontSet) {
        self.spec = spec
        self.fonts = fonts
    }

    func label(_ key: String) -> String { spec.labels[key] ?? key }

    /// The receipt's one page.
    public func layout(_ content: Content, typesetter: Typesetter? = nil) throws(LayoutError) -> Page {
        let typesetter = typesetter ?? Typesetter(fonts: fonts)
        let who = "\(content.nom) \(content.prenoms) (\(content.code.ine))"
        let qr: QRCode
        do { qr = try QRCode(content.qrText) } catch {
            throw .overflow(.init(pupil: who, place: "récépissé, code QR", detail: error.description))
        }
        let m = spec.page.margins
        let width = spec.page.width - m.left - m.right
        let s = spec.sizes
        let canvas = SheetCanvas(typesetter: typesetter, minimum: s.minimum, subject: who, sheet: "récépissé")
        var items: [PageItem] = []
        let qrSide = s.qr
        let gap = 12.0
        let textWidth = width - qrSide - gap
        let labelWidth = textWidth * 0.34
        let valueWidth = textWidth - labelWidth - 4

        /// Label/value rows from `top`; returns the bottom.
        func facts(_ rows: [(String, String, Bool)], top: Double, part: String) throws(LayoutError) -> Double {
            var y = top
            for (key, value, breakWords) in rows {
                let labelFit = try canvas.fit(label(key), .regular, s.body, labelWidth, lines: 3, place: "\(part), \(label(key))")
                let valueFit = try canvas.fit(value, key == "eleve" ? .bold : .regular, s.body, valueWidth, lines: 4, breakWords: breakWords,
                                       place: "\(part), \(label(key))")
                canvas.draw(labelFit, m.left, y, into: &items)
                canvas.draw(valueFit, m.left + labelWidth + 4, y, into: &items)
                y += max(labelFit.height, valueFit.height) + 3.5
            }
            return y
        }
        let code = content.code
        let year = code.annee
        let identity = "\(content.nom) \(content.prenoms)"
        let etab = "\(content.etablissement) (\(label("uai"))\u{A0}\(code.uai))"
        let version = "\(content.object), \(label("version")) \(code.version)"
        let dateText = FrenchDate.format(content.date) ?? content.date

        // (a) The family's part.
        var y = m.top
        let title = try canvas.fit(label("title"), .bold, s.title, width, lines: 2, place: "titre")
        canvas.draw(title, m.left, y, into: &items)
        y += title.height + 2
        let familyPart = try canvas.fit(label("familyPart"), .italic, s.small, width, lines: 2, place: "titre")
        canvas.draw(familyPart, m.left, y, into: &items)
        y += familyPart.height + 8
        let qrTop = y
        // The identifiers both parts carry (label key, value, may wrap); the family's part adds
        // the chef d'établissement and the journal head.
        let identifiers: [(String, String, Bool)] = [
            ("etablissement", etab, false),
            ("eleve", identity, true),
            ("ine", code.ine, false),
            ("annee", year, false),
            ("division", content.division, true),
            ("objet", version, true),
            ("sha256", code.groupedSHA256, false),
            ("pages", String(content.pages), false),
            ("dateRemise", dateText, false),
        ]
        var rows = identifiers
        if let chef = content.chef { rows.append(("chef", chef, true)) }
        if let journal = content.journal { rows.append(("journal", journal, true)) }
        y = try facts(rows, top: y, part: "partie de la famille")
        items += qr.items(x: m.left + width - qrSide, y: qrTop, side: qrSide)
        var qrBottom = qrTop + qrSide + 2
        let codeText = try canvas.fit("\(label("code")) \(code.description)", .regular, s.small, qrSide, lines: 8, breakWords: true, place: "code de vérification")
        canvas.draw(codeText, m.left + width - qrSide, qrBottom, into: &items)
        qrBottom += codeText.height
        y = max(y, qrBottom) + 6
        let note = try canvas.fit(label("familyNote"), .regular, s.small, width, lines: 6, place: "note")
        canvas.draw(note, m.left, y, into: &items)
        y += note.height + 14

        // The cut line: a dashed rule across the page, its instruction above it.
        let cutText = try canvas.fit(label("cut"), .italic, s.small, width, lines: 2, place: "ligne de coupe")
        canvas.draw(cutText, m.left, y, into: &items)
        y += cutText.height + 4
        var dashX = 12.0
        while dashX < spec.page.width - 12 {
            items.append(.rule(x1: dashX, y1: y, x2: min(dashX + 6, spec.page.width - 12), y2: y, width: 0.6, color: .gray(0.3)))
            dashX += 10
        }
        y += 16

        // (b) The school's stub.
        let stubTitle = try canvas.fit(label("stubTitle"), .bold, s.title, width, lines: 2, place: "talon")
        canvas.draw(stubTitle, m.left, y, into: &items)
        y += stubTitle.height + 8
        let stubQRTop = y
        y = try facts(identifiers, top: y, part: "talon")
        items += qr.items(x: m.left + width - qrSide, y: stubQRTop, side: qrSide)
        y = max(y, stubQRTop + qrSide) + 8
        let stubNote = try canvas.fit(label("stubNote"), .regular, s.body, width, lines: 4, place: "talon")
        canvas.draw(stubNote, m.left, y, into: &items)
        y += stubNote.height + 10
        let recu = try canvas.fit(label("recuLe"), .regular, s.body, width / 2 - 6, lines: 2, place: "talon")
        canvas.draw(recu, m.left, y, into: &items)
        let responsable = try canvas.fit(label("responsable"), .regular, s.body, width / 2 - 6, lines: 2, place: "talon")
        canvas.draw(responsable, m.left + width / 2 + 6, y, into: &items)
        y += max(recu.height, responsable.height) + 8
        let signature = try canvas.fit(label("signature"), .regular, s.body, width, lines: 2, place: "talon")
        canvas.draw(signature, m.left, y, into: &items)
        y += signature.height + 4
        let boxHeight = 88.0
        items.append(.rule(x1: m.left, y1: y, x2: m.left + width, y2: y, width: 0.5, color: .black))
        items.append(.rule(x1: m.left, y1: y + boxHeight, x2: m.left + width, y2: y + boxHeight, width: 0.5, color: .black))
        items.append(.rule(x1: m.left, y1: y, x2: m.left, y2: y + boxHeight, width: 0.5, color: .black))
        items.append(.rule(x1: m.left + width, y1: y, x2: m.left + width, y2: y + boxHeight, width: 0.5, color: .black))
        y += boxHeight
        guard y <= spec.page.height - m.bottom + 1e-6 else {
            throw .overflow(.init(pupil: who, place: "récépissé", detail: "\(Typesetter.FitFailure.points(y - (spec.page.height - m.bottom))) pt too tall for one page"))
        }
        return Page(width: spec.page.width, height: spec.page.height, items: items, fontFiles: fonts.files)
    }
}
