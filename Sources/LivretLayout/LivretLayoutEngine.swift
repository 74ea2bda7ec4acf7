import Foundation
import LivretModel

/// Lays out a canonical livret document into pages of positioned, shaped boxes, following
/// one layout file. Pure: no cairo, no files written; one call per pupil, on any thread.
public struct LivretLayoutEngine: Sendable {
    /// The layout file.
    public let spec: LayoutSpec
    /// The fonts the layout shapes with (and the PDF embeds).
    public let fonts: FontSet

    /// - Parameters:
    ///   - spec: the layout.
    ///   - fonts: its fonts.
    public init(spec: LayoutSpec, fonts: FontSet) {
        self.spec = spec
        self.fonts = fonts
    }

    /// Loads layout `name` (e.g. `gt-2012`) from the layouts folder and its fonts from the fonts folder.
    public static func load(layout name: String, layoutsDirectory: URL, fontsDirectory: URL) throws(LayoutError) -> LivretLayoutEngine {
        let file: URL
        switch PlainName.file("\(name).json", in: layoutsDirectory) {
        case .success(let url): file = url
        case .failure(.missing):
            let path = layoutsDirectory.appendingPathComponent("\(name).json").path
            throw .resource("unknown layout \(MessageText.quoted(name)): no \(path) (available: \(available(in: layoutsDirectory).joined(separator: ", ")))")
        case .failure(let refusal):
            throw .resource("layout name \(MessageText.quoted(name)) refused: \(refusal.description) (a layout is the name of a file of \(layoutsDirectory.path))")
        }
        let spec = try LayoutSpec.load(from: file)
        var names: [FontStyle: String] = [:]
        for style in FontStyle.allCases {
            let key = switch style {
            case .regular: "regular"
            case .bold: "bold"
            case .italic: "italic"
            case .boldItalic: "boldItalic"
            }
            names[style] = spec.fonts?[key] ?? FontSet.fileNames[style]
        }
        return LivretLayoutEngine(spec: spec, fonts: try FontSet(directory: fontsDirectory, fileNames: names))
    }

    /// The layout names a folder offers.
    public static func available(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// A page left blank so that the next livret starts on a recto (duplex printing): it carries
    /// only a discreet note, so that nobody wonders whether something is missing.
    public func blankPage(typesetter: Typesetter? = nil) -> Page {
        let typesetter = typesetter ?? Typesetter(fonts: fonts)
        let note = spec.labels["pageBlanche"] ?? "Page laissée intentionnellement blanche"
        let size = spec.sizes.footer
        let line = typesetter.line(note, style: .italic)
        let x = (spec.page.width - line.width * size) / 2
        let run = typesetter.run(line, style: .italic, size: size, x: x, baseline: spec.page.height / 2, color: Color(spec.colors.muted))
        return Page(width: spec.page.width, height: spec.page.height, items: [.text(run)], fontFiles: typesetter.fonts.files)
    }

    /// The pages of one pupil's livret. A `Typesetter` may be passed to reuse its cache of
    /// shaped words across pupils of the same task.
    public func layout(_ document: LivretDocument, typesetter: Typesetter? = nil) throws(LayoutError) -> [Page] {
        let task = LayoutTask(spec: spec, document: document, typesetter: typesetter ?? Typesetter(fonts: fonts))
        return try task.run()
    }
}

/// The work of laying out one document.
final class LayoutTask {
    let spec: LayoutSpec
    let document: LivretDocument
    let typesetter: Typesetter
    var canvas: LayoutCanvas!
    var headerItems: [PageItem] = []
    /// Tables laid out so far (their cells' ids are unique in the document).
    var tableCount = 0

    init(spec: LayoutSpec, document: LivretDocument, typesetter: Typesetter) {
        self.spec = spec
        self.document = document
        self.typesetter = typesetter
    }

    var sizes: LayoutSpec.Sizes { spec.sizes }
    var padding: Double { spec.sizes.cellPadding }
    func label(_ key: String) -> String { spec.label(key) }

    var pupilName: String { "\(document.eleve.nom) \(document.eleve.prenoms)" }
    var pupilReference: String { "\(pupilName) (INE \(document.eleve.ine))" }

    func overflow(_ place: String, _ detail: String) -> LayoutError {
        .overflow(.init(pupil: pupilReference, place: place, detail: detail))
    }

    /// Fits pupil text (names, appreciations…): a failure names the pupil and the place.
    func fit(
        _ text: String, style: FontStyle, size: Double, width: Double, maxHeight: Double = .infinity, place: String
    ) throws(LayoutError) -> Typesetter.Fitted {
        switch typesetter.fit(text, style: style, size: size, minimum: sizes.minimum, width: width, maxHeight: maxHeight) {
        case .success(let fitted): return fitted
        case .failure(let failure): throw overflow(place, failure.description)
        }
    }

    func run() throws(LayoutError) -> [Page] {
        let header = try identityHeader()
        headerItems = header.items
        let bodyTop = spec.page.margins.top + header.height + 8
        let bodyBottom = spec.page.height - spec.page.margins.bottom
        canvas = LayoutCanvas(spec: spec, typesetter: typesetter, bodyTop: bodyTop, bodyBottom: bodyBottom)
        defer { canvas.continuation = nil }  // the closure holds the canvas: break the cycle on every exit
        let newPageSections = Set(spec.newPageBefore ?? [])
        for section in spec.sections {
            if newPageSections.contains(section) && !canvas.pageIsEmpty { canvas.newPage() }
            switch section {
            case .annees: try yearsSection()
            case .engagements: try parcoursSection()
            case .avisExamen: try examenSection()
            }
            canvas.continuation = nil
        }
        let bodies = canvas.finish()
        var pages: [Page] = []
        // Reading order: the document opens with the identity header of its first page; the
        // header repeated on later pages and every footer are pagination (artifacts).
        let repeatedHeader: [PageItem] = [.structure(.begin(.artifact))] + headerItems + [.structure(.end)]
        for (index, body) in bodies.enumerated() {
            let footer = try footerItems(page: index + 1, of: bodies.count)
            var items = index == 0 ? [.structure(.begin(.document))] + headerItems : repeatedHeader
            items += body + footer
            if index == bodies.count - 1 { items.append(.structure(.end)) }
            pages.append(Page(width: spec.page.width, height: spec.page.height, items: items, fontFiles: typesetter.fonts.files))
        }
        return pages
    }

    // MARK: frame

    /// The identity band printed at the top of every page.
    func identityHeader() throws(LayoutError) -> (items: [PageItem], height: Double) {
        let local = LayoutCanvas(spec: spec, typesetter: typesetter, bodyTop: spec.page.margins.top, bodyBottom: spec.page.height)
        let left = local.left, width = local.width
        var y = spec.page.margins.top
        let eleve = document.eleve
        let title = try local.fitLabel(label("title"), style: .bold, size: sizes.title, width: width / 2)
        local.element(.heading(level: 1)) { local.draw(title, x: left, top: y, width: width / 2, color: local.accent) }
        var exam = label("baccalaureat.\(eleve.voie.rawValue)")
        if let serie = eleve.serie, !serie.isEmpty { exam += " — \(label("serie")) \(serie)" }
        if let annee = document.scolarites.last?.anneeLabel { exam += " — \(annee)" }
        let examFitted = try fit(exam, style: .regular, size: sizes.heading, width: width / 2, place: "en-tête")
        local.draw(examFitted, x: left + width / 2, top: y + max(0, title.height - examFitted.height), width: width / 2, align: .right)
        y += max(title.height, examFitted.height) + 2
        local.hline(left, left + width, at: y, width: 1, color: local.accent)
        y += 3

        let identityWidth = width * 0.56 - 6
        let schoolX = left + width * 0.56
        let schoolWidth = width - width * 0.56
        var leftY = y
        let nom = try fit(eleve.nom, style: .bold, size: sizes.name, width: identityWidth, place: "en-tête (nom)")
        let prenoms = try fit(eleve.prenoms, style: .regular, size: sizes.name, width: identityWidth, place: "en-tête (prénoms)")
        let space = typesetter.width(" ", style: .regular, size: sizes.name)
        if nom.lines.count == 1 && prenoms.lines.count == 1 && nom.widestLine + space + prenoms.widestLine <= identityWidth {
            local.draw(nom, x: left, top: leftY, width: identityWidth)
            local.draw(prenoms, x: left + nom.widestLine + space, top: leftY, width: identityWidth)
            leftY += nom.height
        } else {
            local.draw(nom, x: left, top: leftY, width: identityWidth)
            leftY += nom.height
            local.draw(prenoms, x: left, top: leftY, width: identityWidth)
            leftY += prenoms.height
        }
        var facts = ["\(label("neLe")) \(FrenchDate.format(eleve.dateNaissance) ?? eleve.dateNaissance)", "\(label("ine")) \(eleve.ine)"]
        if let division = eleve.division, !division.isEmpty { facts.append("\(label("division")) \(division)") }
        if let mef = eleve.mefLibelle ?? eleve.serieLibelle, !mef.isEmpty { facts.append(mef) }
        let factsFitted = try fit(facts.joined(separator: " · "), style: .regular, size: sizes.identity, width: identityWidth, place: "en-tête")
        local.draw(factsFitted, x: left, top: leftY + 1, width: identityWidth)
        leftY += factsFitted.height + 1

        let etab = document.etablissement
        var rightY = y
        let school = try fit(etab.nom, style: .bold, size: sizes.identity + 1, width: schoolWidth, place: "en-tête (établissement)")
        local.draw(school, x: schoolX, top: rightY, width: schoolWidth)
        rightY += school.height
        let address = [etab.adresse, [etab.codePostal, etab.commune].compactMap { $0 }.joined(separator: " ")]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        var schoolFacts = ["\(label("uai")) \(etab.uai)"]
        if let academie = etab.academie, !academie.isEmpty { schoolFacts.append("\(label("academie")) \(academie)") }
        if let chef = etab.chefEtablissement { schoolFacts.append("\(label("chef")) \(chef.displayName)") }
        for line in [address, schoolFacts.joined(separator: " · ")] where !line.isEmpty {
            let fitted = try fit(line, style: .regular, size: sizes.identity, width: schoolWidth, place: "en-tête (établissement)")
            local.draw(fitted, x: schoolX, top: rightY, width: schoolWidth)
            rightY += fitted.height
        }
        y = max(leftY, rightY) + 2
        local.vline(at: schoolX - 4, spec.page.margins.top + title.height + 6, y - 1)
        local.hline(left, left + width, at: y, width: spec.sizes.ruleWidth)
        return (local.finish().first ?? [], y - spec.page.margins.top)
    }

    func footerItems(page: Int, of count: Int) throws(LayoutError) -> [PageItem] {
        let local = LayoutCanvas(spec: spec, typesetter: typesetter, bodyTop: 0, bodyBottom: spec.page.height)
        local.begin(.artifact)   // a running footer: pagination, not content
        let top = spec.page.height - spec.page.margins.bottom + 6
        let etab = document.etablissement
        let leftText = "\(label("footer.title")) — \(etab.nom) — \(label("uai")) \(etab.uai)"
        let rightText = "\(pupilName) — \(label("page")) \(page) \(label("pageOf")) \(count)"
        let twoLines = 2 * sizes.footer * Typesetter.leading
        // The pupil's name may be long (65 + 50 characters in the LSL): it gets up to 70 % of the
        // width and two lines; the établissement takes the rest.
        let rightFitted = try fit(rightText, style: .regular, size: sizes.footer, width: local.width * 0.7, maxHeight: twoLines, place: "pied de page")
        let leftWidth = local.width - rightFitted.widestLine - 12
        let leftFitted = try fit(leftText, style: .regular, size: sizes.footer, width: leftWidth, maxHeight: twoLines, place: "pied de page")
        local.hline(local.left, local.right, at: top - 2, width: spec.sizes.gridWidth)
        local.draw(rightFitted, x: local.left, top: top, width: local.width, align: .right, color: local.muted)
        local.draw(leftFitted, x: local.left, top: top, width: leftWidth, color: local.muted)
        local.end()
        return local.finish().first ?? []
    }
}
