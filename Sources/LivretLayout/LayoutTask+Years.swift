import LivretModel

/// The year tables: per discipline the pupil's averages, the group block, the competency grid,
/// the appreciation and the teachers. A discipline block never splits across pages; the year
/// heading and the table header repeat on every page.
extension LayoutTask {
    struct Leaf {
        var x: Double
        var width: Double
    }

    /// Leaf columns of one year's table, left to right.
    struct YearColumns {
        var discipline: Leaf
        var periods: [Leaf]
        var annee: Leaf
        var effectif: Leaf
        var shares: [Leaf]
        var moyenneGroupe: Leaf
        var competence: Leaf
        var levels: [Leaf]
        var appreciation: Leaf

        var all: [Leaf] {
            [discipline] + periods + [annee, effectif] + shares + [moyenneGroupe, competence] + levels + [appreciation]
        }
    }

    func yearColumns(periodCount: Int) -> YearColumns {
        let total = spec.yearTable.columns.reduce(0) { $0 + $1.width }
        let scale = canvas.width / total
        var x = canvas.left
        var leaves: [LayoutSpec.ColumnID: Leaf] = [:]
        for column in spec.yearTable.columns {
            leaves[column.id] = Leaf(x: x, width: column.width * scale)
            x += column.width * scale
        }
        func split(_ leaf: Leaf, _ count: Int) -> [Leaf] {
            (0..<count).map { Leaf(x: leaf.x + leaf.width * Double($0) / Double(count), width: leaf.width / Double(count)) }
        }
        return YearColumns(
            discipline: leaves[.discipline]!, periods: split(leaves[.periodes]!, periodCount), annee: leaves[.annee]!,
            effectif: leaves[.effectif]!, shares: [leaves[.moinsDeHuit]!, leaves[.huitADouze]!, leaves[.douzeEtPlus]!],
            moyenneGroupe: leaves[.moyenneGroupe]!, competence: leaves[.competence]!,
            levels: split(leaves[.niveaux]!, spec.yearTable.levels.count), appreciation: leaves[.appreciation]!)
    }

    func yearsSection() throws(LayoutError) {
        let title = try canvas.fitLabel(label("annees.title"), style: .bold, size: sizes.heading + 1, width: canvas.width)
        canvas.element(.heading(level: 2)) { canvas.draw(title, x: canvas.left, top: canvas.y, width: canvas.width, color: canvas.accent) }
        canvas.y += title.height + 2
        let order: [Niveau: Int] = [.premiere: 0, .terminale: 1]
        let years = document.scolarites.sorted { (order[$0.niveau]!, $0.anneeScolaire) < (order[$1.niveau]!, $1.anneeScolaire) }
        for (index, year) in years.enumerated() {
            if index > 0 { canvas.y += 6 }
            try yearTable(year)
        }
    }

    /// The heading of a year's table: `Classe de première — série S — année scolaire 2014-2015 — trimestres`.
    func yearHeading(_ year: Scolarite, continued: Bool) -> String {
        var parts = [label("niveau.\(year.niveau.rawValue)")]
        if let serie = document.eleve.serie, !serie.isEmpty {
            parts.append("\(label("serie")) \(serie)\(document.eleve.serieLibelle.map { " (\($0))" } ?? "")")
        }
        if let division = year.division, !division.isEmpty { parts.append("\(label("division")) \(division)") }
        parts.append("\(label("anneeScolaire")) \(year.anneeLabel)")
        parts.append(label("periodes.\(year.codePeriode.rawValue)"))
        return parts.joined(separator: " — ") + (continued ? " (suite)" : "")
    }

    func yearTable(_ year: Scolarite) throws(LayoutError) {
        let columns = yearColumns(periodCount: year.codePeriode.periodCount)
        tableCount += 1
        let tableID = "t\(tableCount)"
        let header = try tableHeader(year, columns, id: tableID)
        let legend = try canvas.fitLabel(label("legend"), style: .italic, size: sizes.tableHeader, width: canvas.width)

        func headingHeight(_ continued: Bool) throws(LayoutError) -> (Typesetter.Fitted, Double) {
            let text = try fit(yearHeading(year, continued: continued), style: .bold, size: sizes.heading, width: canvas.width, place: "titre de l'année")
            return (text, text.height + 3 + (continued ? 0 : legend.height + 2))
        }
        // The heading, the legend and the header as read once; repeated on a new page they are
        // pagination (artifacts), and the table goes on.
        func drawHeading(_ continued: Bool) throws(LayoutError) {
            let (text, _) = try headingHeight(continued)
            if continued { canvas.begin(.artifact) }
            canvas.fill(x: canvas.left, y: canvas.y, width: canvas.width, height: text.height + 2, color: Color(spec.colors.headerFill))
            canvas.element(.heading(level: 3)) {
                canvas.draw(text, x: canvas.left + padding, top: canvas.y + 1, width: canvas.width - 2 * padding, color: canvas.accent)
            }
            canvas.y += text.height + 3
            if !continued {
                canvas.draw(legend, x: canvas.left, top: canvas.y, width: canvas.width, color: canvas.muted)
                canvas.y += legend.height + 2
                canvas.begin(.table)
            }
            header.draw(canvas)
            if continued { canvas.end() }
        }

        // Regroupement rows as they will be drawn (a long heading takes several lines).
        var groupRowHeights: [String: Double] = [:]
        for group in Set(year.evaluations.compactMap(\.regroupement)) {
            groupRowHeights[group] = try regroupementFitted(group).height + 2 * padding
        }
        let tallestGroupRow = groupRowHeights.values.max() ?? 0
        let continuedHeading = try headingHeight(true).1
        let maxBlock = canvas.bodyHeight - continuedHeading - header.height - tallestGroupRow
        let blocks = try year.evaluations.enumerated().map { (index, evaluation) throws(LayoutError) in
            try disciplineBlock(evaluation, year: year, columns: columns, maxHeight: maxBlock)
        }
        // The heading, the header and the first block (with its regroupement row) go together.
        let firstGroupRow = year.evaluations.first?.regroupement.flatMap { groupRowHeights[$0] } ?? 0
        let firstHeight = try headingHeight(false).1 + header.height + firstGroupRow + (blocks.first?.height ?? 0)
        canvas.reserve(firstHeight)
        try drawHeading(false)
        var drawError: LayoutError?
        canvas.continuation = {
            do throws(LayoutError) { try drawHeading(true) } catch { drawError = error }
        }
        var currentGroup: String?? = .none
        var groupCount = 0
        for (index, (evaluation, block)) in zip(year.evaluations, blocks).enumerated() {
            let group = evaluation.regroupement
            let groupChanged = group != nil && currentGroup != .some(group)
            let pageBefore = canvas.pageCount
            let groupRow = group.flatMap { groupRowHeights[$0] } ?? 0
            canvas.reserve(block.height + (groupChanged ? groupRow : 0))
            if let drawError { throw drawError }
            // A regroupement row opens its group, and opens it again at the top of a new page.
            if let group, groupChanged || canvas.pageCount != pageBefore {
                groupCount += 1
                try regroupementRow(group, columns: columns, id: "\(tableID)-g\(groupCount)", repeated: !groupChanged)
            }
            currentGroup = .some(group)
            block.draw(canvas, canvas.y, header, "\(tableID)-r\(index + 1)")
            canvas.y += block.height
        }
        canvas.continuation = nil
        canvas.end()   // the table
    }

    func regroupementFitted(_ text: String) throws(LayoutError) -> Typesetter.Fitted {
        try fit(text, style: .bold, size: sizes.body, width: canvas.width - 2 * padding, maxHeight: canvas.bodyHeight / 4, place: "regroupement")
    }

    /// A row naming the group of disciplines that follow (a row header spanning the table);
    /// opened again at the top of a new page, where it is pagination.
    func regroupementRow(_ text: String, columns: YearColumns, id: String, repeated: Bool) throws(LayoutError) {
        let fitted = try regroupementFitted(text)
        let height = fitted.height + 2 * padding
        canvas.fill(x: canvas.left, y: canvas.y, width: canvas.width, height: height, color: Color(spec.colors.groupFill))
        canvas.frame(x: canvas.left, y: canvas.y, width: canvas.width, height: height)
        canvas.element(repeated ? .artifact : .row) {
            canvas.element(.headerCell(id: id, scope: .row)) {
                canvas.draw(fitted, x: canvas.left + padding, top: canvas.y + padding, width: canvas.width - 2 * padding)
            }
        }
        canvas.y += height
    }

    // MARK: table header

    struct TableHeader {
        var height: Double
        var cells: [(x: Double, y: Double, width: Double, height: Double, text: Typesetter.Fitted)]
        var fill: Color
        /// Per cell: its id (unique in the document), the header row it starts in, and its spans.
        var ids: [String]
        var firstRows: [Int]
        var spans: [(columns: Int, rows: Int)]

        /// The ids of the header cells above a column leaf, top row first.
        func headers(for leaf: Leaf) -> [String] {
            let middle = leaf.x + leaf.width / 2
            return cells.indices
                .filter { cells[$0].x <= middle && middle <= cells[$0].x + cells[$0].width }
                .sorted { (firstRows[$0], cells[$0].x) < (firstRows[$1], cells[$1].x) }
                .map { ids[$0] }
        }

        /// The header rows as rows of header cells, each row left to right.
        func draw(_ canvas: LayoutCanvas) {
            let top = canvas.y
            let left = cells.map(\.x).min() ?? canvas.left
            let right = cells.map { $0.x + $0.width }.max() ?? canvas.right
            canvas.fill(x: left, y: top, width: right - left, height: height, color: fill)
            for cell in cells { canvas.frame(x: cell.x, y: top + cell.y, width: cell.width, height: cell.height) }
            for row in Set(firstRows).sorted() {
                canvas.element(.row) {
                    for index in cells.indices.filter({ firstRows[$0] == row }).sorted(by: { cells[$0].x < cells[$1].x }) {
                        let cell = cells[index]
                        canvas.element(.headerCell(id: ids[index], scope: .column, columns: spans[index].columns, rows: spans[index].rows)) {
                            canvas.draw(cell.text, x: cell.x, top: top + cell.y + (cell.height - cell.text.height) / 2, width: cell.width, align: .center)
                        }
                    }
                }
            }
            canvas.y += height
        }
    }

    func tableHeader(_ year: Scolarite, _ c: YearColumns, id: String) throws(LayoutError) -> TableHeader {
        let leaves = c.all
        let periodCount = c.periods.count
        let levelCount = c.levels.count
        // Leaf indices.
        let disc = 0, firstPeriod = 1, annee = 1 + periodCount, effectif = annee + 1
        let firstShare = effectif + 1, moyenne = firstShare + 3, competence = moyenne + 1
        let firstLevel = competence + 1, appreciation = firstLevel + levelCount
        var specs: [(from: Int, to: Int, row0: Int, row1: Int, text: String)] = [
            (disc, disc, 0, 2, label("col.discipline")),
            (firstPeriod, annee, 0, 0, label("col.eleve")),
            (annee, annee, 1, 2, label("col.annee")),
            (effectif, moyenne, 0, 0, label("col.groupe")),
            (effectif, effectif, 1, 2, label("col.effectif")),
            (firstShare, firstShare + 2, 1, 1, label("col.repartition")),
            (firstShare, firstShare, 2, 2, label("col.moinsDeHuit")),
            (firstShare + 1, firstShare + 1, 2, 2, label("col.huitADouze")),
            (firstShare + 2, firstShare + 2, 2, 2, label("col.douzeEtPlus")),
            (moyenne, moyenne, 1, 2, label("col.moyenneGroupe")),
            (competence, firstLevel + levelCount - 1, 0, 0, label("col.competences")),
            (competence, competence, 1, 2, label("col.competence")),
            (appreciation, appreciation, 0, 2, label("col.appreciation")),
        ]
        for p in 0..<periodCount {
            specs.append((firstPeriod + p, firstPeriod + p, 1, 2, "\(label("periode.\(year.codePeriode.rawValue)"))\(p + 1)"))
        }
        for (l, level) in spec.yearTable.levels.enumerated() {
            specs.append((firstLevel + l, firstLevel + l, 1, 2, level))
        }
        let minRow = sizes.tableHeader * Typesetter.leading + 2 * padding
        var rows = [minRow, minRow, minRow]
        var fitted: [Typesetter.Fitted] = []
        for s in specs {
            let width = leaves[s.to].x + leaves[s.to].width - leaves[s.from].x
            fitted.append(try canvas.fitLabel(s.text, style: .bold, size: sizes.tableHeader, width: width - 2 * padding))
        }
        // Single-row cells set their row's height; spanning cells stretch their last row.
        for (s, f) in zip(specs, fitted) where s.row0 == s.row1 {
            rows[s.row0] = max(rows[s.row0], f.height + 2 * padding)
        }
        for (s, f) in zip(specs, fitted) where s.row0 != s.row1 {
            let span = rows[s.row0...s.row1].reduce(0, +)
            if f.height + 2 * padding > span { rows[s.row1] += f.height + 2 * padding - span }
        }
        var cells: [(x: Double, y: Double, width: Double, height: Double, text: Typesetter.Fitted)] = []
        for (s, f) in zip(specs, fitted) {
            let x = leaves[s.from].x
            let width = leaves[s.to].x + leaves[s.to].width - x
            let y = rows[0..<s.row0].reduce(0, +)
            cells.append((x, y, width, rows[s.row0...s.row1].reduce(0, +), f))
        }
        return TableHeader(
            height: rows.reduce(0, +), cells: cells, fill: Color(spec.colors.headerFill),
            ids: specs.indices.map { "\(id)-h\($0 + 1)" }, firstRows: specs.map(\.row0),
            spans: specs.map { ($0.to - $0.from + 1, $0.row1 - $0.row0 + 1) })
    }

    // MARK: discipline block

    struct DisciplineBlock {
        var height: Double
        /// Draws the block at a top, as one table row under a header, with a row-header id.
        var draw: (LayoutCanvas, Double, TableHeader, String) -> Void
    }

    func disciplineBlock(_ e: Evaluation, year: Scolarite, columns c: YearColumns, maxHeight: Double) throws(LayoutError) -> DisciplineBlock {
        let place = "\(e.libelle) (\(label("niveau.\(year.niveau.rawValue)")), \(year.anneeLabel))"
        var size = sizes.body
        var lastFailure = ""
        while size >= sizes.minimum - 1e-9 {
            switch blockContent(e, year: year, columns: c, size: size, place: place) {
            case .success(let block) where block.height <= maxHeight + 1e-9:
                return block
            case .success(let block):
                lastFailure = "the block is \(Typesetter.FitFailure.points(block.height - maxHeight)) pt taller than a page at \(Typesetter.FitFailure.points(size)) pt (it must fit one page)"
            case .failure(let failure):
                lastFailure = failure.description
            }
            size -= 0.25
        }
        throw overflow(place, lastFailure)
    }

    struct CellFailure: Error {
        var cell: String
        var failure: Typesetter.FitFailure
        var description: String { "\(cell): \(failure)" }
    }

    private func blockContent(
        _ e: Evaluation, year: Scolarite, columns c: YearColumns, size: Double, place: String
    ) -> Result<DisciplineBlock, CellFailure> {
        let minimum = sizes.minimum
        func set(_ text: String, _ style: FontStyle, _ size: Double, _ width: Double, _ cell: String) -> Result<Typesetter.Fitted, CellFailure> {
            // Within a block every cell is set at the block's size: the size only goes down as a whole.
            switch typesetter.wrap(text, style: style, size: size, width: width) {
            case .success(let lines): return .success(Typesetter.Fitted(lines: lines, size: size, style: style))
            case .failure(.tooWide(let characters, let excess)):
                return .failure(CellFailure(cell: cell, failure: .wordTooWide(characters: characters, excess: excess, size: size)))
            case .failure(.missingGlyph(let scalar)):
                return .failure(CellFailure(cell: cell, failure: .missingCharacter(scalar)))
            }
        }
        let inner = { (leaf: Leaf) in leaf.width - 2 * self.padding }
        let discipline: Typesetter.Fitted
        switch set(e.libelle, .bold, size, inner(c.discipline), "discipline") {
        case .success(let f): discipline = f
        case .failure(let f): return .failure(f)
        }
        let teacherText = e.enseignants.map { [$0.prenom, $0.nom].compactMap { $0 }.joined(separator: " ") }.joined(separator: "\n")
        var teachers: Typesetter.Fitted?
        if !teacherText.isEmpty {
            switch set(teacherText, .italic, max(minimum, size - 0.5), inner(c.discipline), "enseignants") {
            case .success(let f): teachers = f
            case .failure(let f): return .failure(f)
            }
        }
        var competences: [(Typesetter.Fitted, String)] = []
        for competence in e.competences {
            switch set(competence.libelle, .regular, size, inner(c.competence), "compétence \(competence.code)") {
            case .success(let f): competences.append((f, competence.niveau))
            case .failure(let f): return .failure(f)
            }
        }
        var appreciation: Typesetter.Fitted?
        if let text = e.appreciation, !text.isEmpty {
            switch set(text, .regular, size, inner(c.appreciation), "appréciation") {
            case .success(let f): appreciation = f
            case .failure(let f): return .failure(f)
            }
        }
        let numberSize = sizes.numbers
        let numberRow = numberSize * Typesetter.leading + 2 * padding
        let disciplineHeight = discipline.height + (teachers.map { $0.height + 1 } ?? 0) + 2 * padding
        let competenceRows = competences.map { max($0.0.height + 2 * padding, numberRow) }
        let height = max(disciplineHeight, numberRow, competenceRows.reduce(0, +), (appreciation?.height ?? 0) + 2 * padding)

        // Numbers, as strings, set on one line each.
        let nn = label("nonNote")
        var numbers: [(Leaf, String, FontStyle)] = []
        if e.evaluationChiffree {
            for (index, leaf) in c.periods.enumerated() {
                numbers.append((leaf, e.moyenne(periode: index + 1)?.french ?? nn, .regular))
            }
            numbers.append((c.annee, e.moyenneAnnuelle?.french ?? nn, .bold))
        }
        if let groupe = e.groupe {
            numbers.append((c.effectif, String(groupe.effectif), .regular))
            if e.evaluationChiffree {
                if let r = groupe.repartition {
                    for (leaf, share) in zip(c.shares, [r.moinsDeHuit, r.huitADouze, r.douzeEtPlus]) {
                        numbers.append((leaf, share.french, .regular))
                    }
                }
                numbers.append((c.moyenneGroupe, groupe.moyenne?.french ?? nn, .regular))
            }
        }
        var numberLines: [(Leaf, Typesetter.Fitted)] = []
        for (leaf, text, style) in numbers {
            switch typesetter.fit(text, style: style, size: numberSize, minimum: minimum, width: inner(leaf), maxHeight: numberSize * Typesetter.leading) {
            case .success(let f): numberLines.append((leaf, f))
            case .failure(let failure): return .failure(CellFailure(cell: "moyennes", failure: failure))
            }
        }
        var noMarks: Typesetter.Fitted?
        if !e.evaluationChiffree {
            let span = c.annee.x + c.annee.width - c.periods[0].x
            switch typesetter.fit(label("sansEvaluationChiffree"), style: .italic, size: max(minimum, size - 0.5), minimum: minimum, width: span - 2 * padding) {
            case .success(let f): noMarks = f
            case .failure(let failure): return .failure(CellFailure(cell: "moyennes", failure: failure))
            }
        }
        let levels = spec.yearTable.levels
        let gridColor = canvas.gridColor
        let ruleWidth = spec.sizes.ruleWidth
        let pad = padding

        let draw: (LayoutCanvas, Double, TableHeader, String) -> Void = { canvas, top, header, rowID in
            // Text: one table row, the discipline its row header, each value a data cell.
            canvas.begin(.row)
            func cell(_ leaf: Leaf, _ body: () -> Void) {
                canvas.element(.dataCell(headers: header.headers(for: leaf) + [rowID]), body)
            }
            canvas.element(.headerCell(id: rowID, scope: .row)) {
                canvas.draw(discipline, x: c.discipline.x + pad, top: top + pad, width: inner(c.discipline))
                if let teachers {
                    canvas.draw(teachers, x: c.discipline.x + pad, top: top + pad + discipline.height + 1, width: inner(c.discipline), color: canvas.muted)
                }
            }
            for (leaf, fitted) in numberLines {
                cell(leaf) { canvas.draw(fitted, x: leaf.x + pad, top: top + pad, width: inner(leaf), align: .center) }
            }
            if let noMarks {
                let x = c.periods[0].x
                cell(c.periods[0]) {
                    canvas.draw(noMarks, x: x + pad, top: top + pad, width: c.annee.x + c.annee.width - x - 2 * pad, align: .center, color: canvas.muted)
                }
            }
            var rowTop = top
            for (index, (fitted, level)) in competences.enumerated() {
                let rowHeight = index == competences.count - 1 ? top + height - rowTop : competenceRows[index]
                cell(c.competence) { canvas.draw(fitted, x: c.competence.x + pad, top: rowTop + pad, width: inner(c.competence)) }
                let levelSpan = c.levels.last!.x + c.levels.last!.width - c.levels[0].x
                if let column = levels.firstIndex(of: level) {
                    let mark = self.typesetter.line("X", style: .bold)
                    let leaf = c.levels[column]
                    let fittedMark = Typesetter.Fitted(lines: [mark], size: numberSize, style: .bold)
                    cell(leaf) { canvas.draw(fittedMark, x: leaf.x, top: rowTop + pad, width: leaf.width, align: .center) }
                } else {
                    let text = Typesetter.Fitted(lines: [self.typesetter.line(level, style: .bold)], size: numberSize, style: .bold)
                    cell(c.levels[0]) { canvas.draw(text, x: c.levels[0].x, top: rowTop + pad, width: levelSpan, align: .center) }
                }
                if index > 0 {
                    canvas.hline(c.competence.x, c.levels.last!.x + c.levels.last!.width, at: rowTop, color: gridColor)
                }
                // Level boxes: vertical lines only where the level is a column mark.
                if levels.contains(level) {
                    for leaf in c.levels.dropFirst() { canvas.vline(at: leaf.x, rowTop, rowTop + rowHeight, color: gridColor) }
                }
                rowTop += rowHeight
            }
            if competences.isEmpty {
                for leaf in c.levels.dropFirst() { canvas.vline(at: leaf.x, top, top + height, color: gridColor) }
            }
            if let appreciation {
                cell(c.appreciation) {
                    canvas.element(.paragraph) { canvas.draw(appreciation, x: c.appreciation.x + pad, top: top + pad, width: inner(c.appreciation)) }
                }
            }
            canvas.end()   // the row
            // Grid: the block's frame and its column rules.
            let left = c.discipline.x, right = c.appreciation.x + c.appreciation.width
            canvas.hline(left, right, at: top, width: ruleWidth, color: .black)
            canvas.hline(left, right, at: top + height, width: ruleWidth, color: .black)
            let numericColumns = e.evaluationChiffree ? c.periods.dropFirst() + [c.annee] : []
            for leaf in numericColumns { canvas.vline(at: leaf.x, top, top + height, color: gridColor) }
            for leaf in [c.effectif] + c.shares + [c.moyenneGroupe] { canvas.vline(at: leaf.x, top, top + height, color: gridColor) }
            for x in [left, c.periods[0].x, c.effectif.x, c.competence.x, c.levels[0].x, c.appreciation.x, right] {
                canvas.vline(at: x, top, top + height, width: ruleWidth, color: .black)
            }
        }
        return .success(DisciplineBlock(height: height, draw: draw))
    }
}
