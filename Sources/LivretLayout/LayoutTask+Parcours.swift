import LivretModel

/// "Informations relatives au parcours et aux apprentissages de l'élève" (engagements,
/// observations of the CPE, avis sur l'investissement) and "Avis en vue de l'examen du baccalauréat".
extension LayoutTask {
    func sectionTitle(_ text: String) throws(LayoutError) {
        let fitted = try canvas.fitLabel(text, style: .bold, size: sizes.heading + 1, width: canvas.width)
        canvas.reserve(fitted.height + 40)
        canvas.element(.heading(level: 2)) { canvas.draw(fitted, x: canvas.left, top: canvas.y, width: canvas.width, color: canvas.accent) }
        canvas.y += fitted.height + 4
    }

    /// A titled box holding pupil text, with an optional signature line (name, date, signature).
    /// It never splits across pages.
    func box(
        title: String, text: String?, emptyText: String? = nil, signer: String?, date: String?, signature: Bool,
        place: String, x: Double? = nil, width: Double? = nil, minimumBodyHeight: Double = 0, stretchTo: Double? = nil,
        advance: Bool = true
    ) throws(LayoutError) -> Double {
        let x = x ?? canvas.left
        let width = width ?? canvas.width
        let inner = width - 2 * padding
        let titleFitted = try fit(title, style: .bold, size: sizes.body, width: inner, place: place)
        let titleHeight = titleFitted.height + 2 * padding
        let signatureLine: String? = signature || signer != nil || date != nil
            ? [
                "\(label("nom")) \(signer ?? "")",
                "\(label("date")) \(FrenchDate.format(date) ?? "")",
                signature ? label("signature") : nil,
            ].compactMap { $0 }.joined(separator: "      ")
            : nil
        let signatureFitted = try signatureLine.map { line throws(LayoutError) in
            try fit(line, style: .italic, size: max(sizes.minimum, sizes.body - 0.5), width: inner, place: place)
        }
        let maxBody = canvas.bodyHeight - titleHeight - (signatureFitted?.height ?? 0) - 4 * padding - 20
        var body: Typesetter.Fitted?
        var bodyColor = Color.black
        if let text, !text.isEmpty {
            body = try fit(text, style: .regular, size: sizes.body, width: inner, maxHeight: maxBody, place: place)
        } else if let emptyText {
            body = try fit(emptyText, style: .italic, size: sizes.body, width: inner, place: place)
            bodyColor = canvas.muted
        }
        let signatureHeight = signatureFitted.map { $0.height + 2 * padding + (signature ? 14 : 0) } ?? 0
        var bodyHeight = max(minimumBodyHeight, (body?.height ?? 0) + 2 * padding)
        if let stretchTo { bodyHeight = max(bodyHeight, stretchTo - titleHeight - signatureHeight) }
        let height = titleHeight + bodyHeight + signatureHeight
        if advance { canvas.reserve(height) }
        let top = canvas.y
        canvas.fill(x: x, y: top, width: width, height: titleHeight, color: Color(spec.colors.headerFill))
        canvas.element(.heading(level: 3)) { canvas.draw(titleFitted, x: x + padding, top: top + padding, width: inner) }
        if let body { canvas.draw(body, x: x + padding, top: top + titleHeight + padding, width: inner, color: bodyColor) }
        if let signatureFitted {
            canvas.draw(signatureFitted, x: x + padding, top: top + titleHeight + bodyHeight + padding, width: inner, color: canvas.muted)
        }
        canvas.frame(x: x, y: top, width: width, height: height, lineWidth: spec.sizes.ruleWidth, color: .black)
        canvas.hline(x, x + width, at: top + titleHeight)
        if advance { canvas.y += height + 6 }
        return height
    }

    func year(_ niveau: Niveau) -> Scolarite? {
        document.scolarites.last { $0.niveau == niveau }
    }

    func yearTitle(_ niveau: Niveau) -> String {
        let base = label("niveau.\(niveau.rawValue)")
        return year(niveau).map { "\(base) (\($0.anneeLabel))" } ?? base
    }

    func parcoursSection() throws(LayoutError) {
        try sectionTitle(label("parcours.title"))

        // Engagements: one box with a tick per code, then "autres".
        let engagements = document.engagements
        let inner = canvas.width - 2 * padding
        let title = try canvas.fitLabel(label("engagements.title"), style: .bold, size: sizes.body, width: inner)
        let codes = CodeEngagement.allCases
        let columnWidth = (inner - 12) / 2
        var lines: [(Typesetter.Fitted, Bool)] = []
        for code in codes {
            let fitted = try canvas.fitLabel(label("engagement.\(code.rawValue)"), style: .regular, size: sizes.body, width: columnWidth - 14)
            lines.append((fitted, engagements?.codes.contains(code) == true))
        }
        let rowHeight = sizes.body * Typesetter.leading + 3
        let rows = (codes.count + 1) / 2
        let autreLabel = try canvas.fitLabel(label("engagement.autre"), style: .italic, size: sizes.body, width: inner)
        let autre = try engagements?.autre.map { text throws(LayoutError) in
            try fit(text, style: .regular, size: sizes.body, width: inner, maxHeight: canvas.bodyHeight / 3, place: "engagements (autres)")
        }
        let titleHeight = title.height + 2 * padding
        let height = titleHeight + Double(rows) * rowHeight + 2 * padding + autreLabel.height + (autre?.height ?? 0) + 2 * padding
        canvas.reserve(height)
        let top = canvas.y
        canvas.fill(x: canvas.left, y: top, width: canvas.width, height: titleHeight, color: Color(spec.colors.headerFill))
        canvas.draw(title, x: canvas.left + padding, top: top + padding, width: inner)
        for (index, (fitted, ticked)) in lines.enumerated() {
            let column = index / rows, row = index % rows
            let x = canvas.left + padding + Double(column) * (columnWidth + 12)
            let y = top + titleHeight + padding + Double(row) * rowHeight
            let side = sizes.body
            canvas.frame(x: x, y: y + 1, width: side, height: side, lineWidth: spec.sizes.ruleWidth, color: .black)
            if ticked {
                let mark = Typesetter.Fitted(lines: [typesetter.line("X", style: .bold)], size: sizes.body, style: .bold)
                canvas.draw(mark, x: x, top: y + 1 + (side - mark.height) / 2, width: side, align: .center)
            }
            canvas.draw(fitted, x: x + side + 4, top: y + 1, width: columnWidth - side - 4)
        }
        var y = top + titleHeight + padding + Double(rows) * rowHeight + padding
        canvas.draw(autreLabel, x: canvas.left + padding, top: y, width: inner, color: canvas.muted)
        y += autreLabel.height
        if let autre { canvas.draw(autre, x: canvas.left + padding, top: y, width: inner) }
        canvas.frame(x: canvas.left, y: top, width: canvas.width, height: height, lineWidth: spec.sizes.ruleWidth, color: .black)
        canvas.hline(canvas.left, canvas.right, at: top + titleHeight)
        canvas.y = top + height + 6

        // Observations of the CPE, then the avis on the investissement, per year, side by side.
        for (titleKey, avis) in [
            ("observations.title", { (s: Scolarite) in s.avisEngagement }),
            ("investissement.title", { (s: Scolarite) in s.avisInvestissement }),
        ] {
            let heading = try canvas.fitLabel(label(titleKey), style: .bold, size: sizes.body + 0.5, width: canvas.width)
            canvas.reserve(heading.height + 60)
            canvas.draw(heading, x: canvas.left, top: canvas.y, width: canvas.width)
            canvas.y += heading.height + 2
            try sideBySide([Niveau.premiere, .terminale].map { niveau in
                let given = year(niveau).flatMap(avis)
                return (yearTitle(niveau), given?.texte, given?.signataire, given?.date, "\(label(titleKey)) — \(yearTitle(niveau))")
            })
        }
    }

    /// Two boxes side by side, the same height, never split.
    func sideBySide(_ boxes: [(title: String, text: String?, signer: String?, date: String?, place: String)]) throws(LayoutError) {
        let gap = 8.0
        let width = (canvas.width - gap * Double(boxes.count - 1)) / Double(boxes.count)
        // Measured as drawn, then every box is stretched to the tallest one.
        var heights: [Double] = []
        for (index, b) in boxes.enumerated() {
            heights.append(try measureBox(b, x: canvas.left + Double(index) * (width + gap), width: width))
        }
        let height = heights.max() ?? 0
        canvas.reserve(height)
        for (index, b) in boxes.enumerated() {
            _ = try pairBox(b, x: canvas.left + Double(index) * (width + gap), width: width, stretchTo: height)
        }
        canvas.y += height + 6
    }

    private func pairBox(
        _ b: (title: String, text: String?, signer: String?, date: String?, place: String), x: Double, width: Double, stretchTo: Double?
    ) throws(LayoutError) -> Double {
        try box(
            title: b.title, text: b.text, emptyText: label("aucunAvis"), signer: b.signer, date: b.date, signature: true,
            place: b.place, x: x, width: width, stretchTo: stretchTo, advance: false)
    }

    /// The height a box would take, found by drawing it and taking the drawing back.
    private func measureBox(_ b: (title: String, text: String?, signer: String?, date: String?, place: String), x: Double, width: Double) throws(LayoutError) -> Double {
        let before = canvas.snapshot()
        let height = try pairBox(b, x: x, width: width, stretchTo: nil)
        canvas.restore(before)
        return height
    }

    func examenSection() throws(LayoutError) {
        try sectionTitle(label("examen.title"))
        let professional = document.eleve.voie == .professionnelle
        let kinds: [CodeAvisExamen] = professional
            ? [.tresFavorable, .favorable, .assezFavorable, .doitFaireSesPreuves]
            : [.tresFavorable, .favorable, .doitFaireSesPreuves]
        let avis = document.avisExamen
        let firstWidth = canvas.width * 0.34
        let columnWidth = (canvas.width - firstWidth) / Double(kinds.count)
        let rowHeight = sizes.body * Typesetter.leading + 2 * padding + 2
        let rows: [(String, [String])] = [
            (label("examen.avisEquipe"), kinds.map { label("examen.\($0.rawValue)") }),
            (label("examen.eleve"), kinds.map { avis?.code == $0 ? "X" : "" }),
            (label("examen.parts"), kinds.map { kind in avis?.serie?.share(kind).map { "\($0.french)\u{202F}%" } ?? "" }),
        ]
        let effectif = avis?.serie.map { "\(label("examen.effectif")) \($0.effectif)" }
        let extra = effectif != nil || avis == nil ? rowHeight : 0
        canvas.reserve(Double(rows.count) * rowHeight + extra)
        var y = canvas.y
        for (index, (title, cells)) in rows.enumerated() {
            let style: FontStyle = index == 0 ? .bold : .regular
            if index == 0 { canvas.fill(x: canvas.left, y: y, width: canvas.width, height: rowHeight, color: Color(spec.colors.headerFill)) }
            let head = try canvas.fitLabel(title, style: .bold, size: sizes.body, width: firstWidth - 2 * padding)
            canvas.draw(head, x: canvas.left + padding, top: y + padding + 1, width: firstWidth - 2 * padding)
            for (column, text) in cells.enumerated() where !text.isEmpty {
                let x = canvas.left + firstWidth + Double(column) * columnWidth
                let fitted = try canvas.fitLabel(text, style: text == "X" ? .bold : style, size: sizes.body, width: columnWidth - 2 * padding)
                canvas.draw(fitted, x: x + padding, top: y + padding + 1, width: columnWidth - 2 * padding, align: .center)
            }
            canvas.hline(canvas.left, canvas.right, at: y, width: spec.sizes.ruleWidth, color: .black)
            y += rowHeight
        }
        canvas.hline(canvas.left, canvas.right, at: y, width: spec.sizes.ruleWidth, color: .black)
        for column in 0...kinds.count {
            let x = canvas.left + firstWidth + Double(column) * columnWidth
            canvas.vline(at: x, canvas.y, y, width: column == kinds.count ? spec.sizes.ruleWidth : spec.sizes.gridWidth, color: column == kinds.count ? .black : nil)
        }
        canvas.vline(at: canvas.left, canvas.y, y, width: spec.sizes.ruleWidth, color: .black)
        canvas.vline(at: canvas.left + firstWidth, canvas.y, y, width: spec.sizes.ruleWidth, color: .black)
        canvas.y = y + 2
        if let note = effectif ?? (avis == nil ? label("examen.pasDAvis") : nil) {
            let fitted = try canvas.fitLabel(note, style: .italic, size: sizes.body, width: canvas.width)
            canvas.draw(fitted, x: canvas.left, top: canvas.y, width: canvas.width, color: canvas.muted)
            canvas.y += fitted.height
        }
        canvas.y += 8

        // Visa of the head: the document's visa, else the avis of the latest year.
        let visa = document.visaChefEtablissement ?? document.scolarites.last(where: { $0.avisChefEtablissement != nil })?.avisChefEtablissement
        let chef = document.etablissement.chefEtablissement
        _ = try box(
            title: label("visaChef.title"), text: visa?.texte, emptyText: nil,
            signer: visa?.signataire ?? chef?.displayName, date: visa?.date, signature: true,
            place: label("visaChef.title"), minimumBodyHeight: 24)

        let gap = 8.0
        let third = (canvas.width - 2 * gap) / 3
        let boxHeight = 64.0
        canvas.reserve(boxHeight + 30)
        let top = canvas.y
        let boxes: [(String, String?)] = [
            (label("eleve.title"), label("eleve.texte")),
            ("\(label("jury.title")) — \(label("jury.premier"))", nil),
            ("\(label("jury.title")) — \(label("jury.deuxieme"))", nil),
        ]
        var heights: [Double] = []
        for (index, (title, text)) in boxes.enumerated() {
            canvas.y = top
            heights.append(try box(
                title: title, text: text, signer: nil, date: "", signature: true, place: title,
                x: canvas.left + Double(index) * (third + gap), width: third, minimumBodyHeight: 28, advance: false))
        }
        canvas.y = top + (heights.max() ?? 0) + 6
    }
}
