import Foundation
import LivretModel

/// Builds the documents of one import (see `Importer`), one pupil at a time as the LSL file streams.
///
/// `begin()` checks the SIECLE pupils; `add(_:)` takes each `<eleve>` as the LSL reader hands it
/// out and builds its document at once (the pupil's LSL values are then let go); `finish(lsl:inputs:)`
/// makes the checks across pupils (group blocks, avis for the examination) and the report. When the
/// school year or the date of the documents must come from the LSL file itself (the SIECLE export
/// gives neither), the pupils wait in memory until the whole file is read. Errors and warnings come
/// in the same order as a whole-file read gives them.
struct DocumentBuilder {
    let profile: EtablissementProfile
    let siecle: SiecleExport
    let nomenclature: Nomenclature
    let labels: MatiereLabels
    /// The LSL file's name and bytes (for the column of an element in messages).
    let lslFileName: String
    let lslSource: SourceText?

    /// The errors and warnings of the pupils' documents (then, in `finish`, of the whole import).
    private var errors: [ImportIssue] = []
    private var warnings: [ImportIssue] = []
    private var counts = ImportReport.Counts()

    // What `begin` finds in the SIECLE export.
    private var siecleById: [String: SiecleExport.Eleve] = [:]
    private var identityErrors: [ImportIssue] = []
    private var identityWarnings: [ImportIssue] = []
    // What `add` finds in the LSL file.
    private var pairErrors: [ImportIssue] = []
    private var lslIds = Set<String>()
    private var pairedIds: [String] = []
    private var lslEleves = 0
    private var latestAnnee: Int?
    private var latestLSLDate: String?
    /// The school year and the date of the documents, once known (`begin`, else `finish`).
    private var year: (current: Int, dateDocument: String)?
    /// Pupils waiting for `year` (only when the LSL file itself gives it).
    private var waiting: [(identity: SiecleExport.Eleve, eleve: LSLFile.Eleve)] = []
    // The documents built so far.
    private var documents: [LivretDocument] = []
    private var lines: [Int] = []
    /// The line of each document's `<evaluation>`s (by scolarité, then evaluation), for group messages.
    private var evaluationLines: [[[Int]]] = []
    private var currentCourses: [String: Set<CourseKey>] = [:]

    init(profile: EtablissementProfile, siecle: SiecleExport, nomenclature: Nomenclature, labels: MatiereLabels,
         lslFileName: String, lslSource: SourceText?) {
        self.profile = profile
        self.siecle = siecle
        self.nomenclature = nomenclature
        self.labels = labels
        self.lslFileName = lslFileName
        self.lslSource = lslSource
    }

    /// One evaluation's place in the groups, for the group blocks.
    private struct Membership {
        var document: Int
        var scolarite: Int
        var evaluation: Int
        var key: GroupKey
        /// The group as messages name it: `division 1A`, `groupe 1GMATHS`, `enseignants …` (no value of its block).
        var label: String
        var line: Int
    }

    private func issue(_ severity: ImportIssue.Severity, _ file: String, _ line: Int?, _ field: String?, _ message: String, eleve: String? = nil) -> ImportIssue {
        ImportIssue(severity, file: file, line: line, column: column(file, line, field), field: field, eleve: eleve, message: message)
    }

    private mutating func error(_ file: String, _ line: Int?, _ field: String?, _ message: String, eleve: String? = nil) {
        errors.append(issue(.error, file, line, field, message, eleve: eleve))
    }

    private mutating func warning(_ file: String, _ line: Int?, _ field: String?, _ message: String, eleve: String? = nil) {
        warnings.append(issue(.warning, file, line, field, message, eleve: eleve))
    }

    /// The column of the element a field names (`<ID_NATIONAL>`, `periode@moyenne`) on its line.
    private func column(_ file: String, _ line: Int?, _ field: String?) -> Int? {
        guard let line else { return nil }
        let source = file == siecle.fileName ? siecle.source : file == lslFileName ? lslSource : nil
        var element = field.map { String($0.prefix { $0 != "@" && $0 != "." }) }
        element = element?.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        return source?.column(line: line, element: element?.isEmpty == false ? element : nil)
    }

    /// Checks the SIECLE pupils (duplicates, INE) before the LSL file is read. With `holdingPupils`,
    /// the pupils wait for `finish` even when the school year is known now.
    mutating func begin(holdingPupils: Bool = false) {
        let siecleFile = siecle.fileName
        var seenINE: [String: String] = [:]
        for eleve in siecle.eleves {
            let who = "ELEVE_ID \(eleve.eleveId)"
            if siecleById[eleve.eleveId] != nil {
                identityErrors.append(issue(.error, siecleFile, eleve.line, "<ELEVE>@ELEVE_ID", "pupil \(eleve.eleveId) appears twice", eleve: who))
                continue
            }
            siecleById[eleve.eleveId] = eleve
            guard let ine = eleve.ine else {
                identityErrors.append(issue(.error, siecleFile, eleve.ineLine, "<ID_NATIONAL>", "missing INE", eleve: who))
                continue
            }
            if Identifiers.ineKind(ine) == nil {
                identityErrors.append(issue(.error, siecleFile, eleve.ineLine, "<ID_NATIONAL>", "\(MessageText.quoted(ine)) is not an INE of a known format", eleve: who))
            } else if !Identifiers.beaCheckLetterMatches(ine) {
                identityWarnings.append(issue(.warning, siecleFile, eleve.ineLine, "<ID_NATIONAL>", "INE-BEA \(MessageText.quoted(ine)): the check letter does not match (unverified rule)", eleve: who))
            }
            if let other = seenINE[ine] {
                identityErrors.append(issue(.error, siecleFile, eleve.ineLine, "<ID_NATIONAL>", "INE \(ine) is also the INE of ELEVE_ID \(other)", eleve: who))
            }
            seenINE[ine] = eleve.eleveId
        }
        if !holdingPupils, let current = siecle.anneeScolaire ?? profile.anneeScolaire.flatMap({ Int($0.prefix(4)) }),
           let date = siecle.dateExport {
            year = (current, date)
        }
    }

    /// Takes one `<eleve>` of the LSL file, in file order: pairs it with its SIECLE pupil and builds
    /// its document (or keeps it until the school year is known).
    mutating func add(_ eleve: LSLFile.Eleve) {
        lslEleves += 1
        for scolarite in eleve.scolarites {
            latestAnnee = max(latestAnnee ?? scolarite.annee, scolarite.annee)
            let dates = scolarite.evaluations.compactMap(\.date)
                + [scolarite.avisEngagement, scolarite.avisInvestissement, scolarite.avisChefEtab].compactMap { $0?.date }
            for date in dates where LivretDocument.isDate(date) && date > (latestLSLDate ?? "") { latestLSLDate = date }
        }
        let who = "ELEVE_ID \(eleve.id)"
        if !lslIds.insert(eleve.id).inserted {
            pairErrors.append(issue(.error, lslFileName, eleve.line, "<eleve>@id", "pupil \(eleve.id) appears twice", eleve: who))
            return
        }
        guard let identity = siecleById[eleve.id] else {
            pairErrors.append(issue(.error, lslFileName, eleve.line, "<eleve>@id", "pupil \(eleve.id) is not in the SIECLE export \(siecle.fileName)", eleve: who))
            return
        }
        pairedIds.append(identity.eleveId)
        if let year {
            build(identity: identity, eleve: eleve, year: year)
        } else {
            waiting.append((identity, eleve))
        }
    }

    /// Builds one pupil's document and keeps what the checks across pupils need.
    private mutating func build(identity: SiecleExport.Eleve, eleve: LSLFile.Eleve, year: (current: Int, dateDocument: String)) {
        guard let built = document(identity: identity, eleve: eleve, currentYear: year.current, dateDocument: year.dateDocument) else { return }
        documents.append(built)
        lines.append(eleve.line)
        for scolarite in built.scolarites where scolarite.anneeScolaire == year.current {
            for evaluation in scolarite.evaluations where !Self.isDivisionCourse(evaluation) {
                currentCourses[identity.eleveId, default: []].insert(CourseKey(code: evaluation.codeMatiere, modalite: evaluation.modalite.rawValue))
            }
        }
        // The first `<evaluation>` of the pupil for each year, matière and modalité (a pupil's first
        // `<eleve>` is the one paired: any earlier one with its id would have made this one a duplicate).
        var first: [String: Int] = [:]
        for scolarite in eleve.scolarites {
            for evaluation in scolarite.evaluations {
                let key = "\(scolarite.annee) \(evaluation.codeMatiere) \(evaluation.modalite.rawValue)"
                if first[key] == nil { first[key] = evaluation.line }
            }
        }
        evaluationLines.append(built.scolarites.map { scolarite in
            scolarite.evaluations.map { first["\(scolarite.anneeScolaire) \($0.codeMatiere) \($0.modalite.rawValue)"] ?? eleve.line }
        })
    }

    /// The checks across pupils, once the whole LSL file is read (`lsl`: its header and its reader's
    /// errors); throws every error, else gives the documents and the report.
    mutating func finish(lsl: LSLFile, inputs: ImportInputs) throws(ImportFailure) -> PreparedImport {
        let siecleFile = siecle.fileName
        let lslFile = lslFileName
        if self.year == nil {
            let current = siecle.anneeScolaire ?? profile.anneeScolaire.flatMap { Int($0.prefix(4)) } ?? latestAnnee ?? 0
            self.year = (current, siecle.dateExport ?? latestLSLDate ?? "\(current + 1)-07-01")
        }
        let year = self.year!
        let currentYear = year.current
        for (identity, eleve) in waiting { build(identity: identity, eleve: eleve, year: year) }
        waiting = []
        counts.siecleEleves = siecle.eleves.count
        counts.lslEleves = lslEleves

        // Every error and warning so far, in the order of a whole-file read: the readers', the
        // identifiers' and duplicates', then the documents'.
        var uaiErrors: [ImportIssue] = []
        if let uai = lsl.etablissement, let problem = Identifiers.uaiProblem(uai) {
            uaiErrors.append(issue(.error, lslFile, lsl.etablissementLine, "<etablissement>", problem))
        } else if let uai = lsl.etablissement, uai != profile.uai {
            uaiErrors.append(issue(.error, lslFile, lsl.etablissementLine, "<etablissement>", "UAI \(uai) is not the UAI \(profile.uai) of the établissement profile"))
        }
        // (A UAJ with a bad check letter is reported by the reader.)
        if let uai = siecle.uai, Identifiers.uaiProblem(uai) == nil, uai != profile.uai {
            uaiErrors.append(issue(.error, siecleFile, siecle.uaiLine, "<UAJ>", "UAI \(uai) is not the UAI \(profile.uai) of the établissement profile"))
        }
        var noEvaluations: [ImportIssue] = []
        for eleve in siecle.eleves where !lslIds.contains(eleve.eleveId) {
            noEvaluations.append(issue(.warning, siecleFile, eleve.line, "<ELEVE>", "pupil has no evaluations in \(lslFile): no livret written", eleve: eleve.ine ?? "ELEVE_ID \(eleve.eleveId)"))
        }
        errors = siecle.errors + lsl.errors + uaiErrors + identityErrors + pairErrors + errors
        warnings = identityWarnings + noEvaluations + warnings
        identityErrors = []
        pairErrors = []

        // Group memberships.
        var documents = self.documents
        self.documents = []
        var members: [String: [String]] = [:]
        for eleveId in pairedIds {
            for group in siecle.groups(of: eleveId) { members[group, default: []].append(eleveId) }
        }
        let assignment = GroupAssignment(members: members, courses: currentCourses)
        var memberships: [Membership] = []
        for (d, document) in documents.enumerated() {
            let eleveId = document.eleve.eleveId ?? ""
            for (s, scolarite) in document.scolarites.enumerated() {
                for (e, evaluation) in scolarite.evaluations.enumerated() {
                    let course = CourseKey(code: evaluation.codeMatiere, modalite: evaluation.modalite.rawValue)
                    var scope: String
                    if Self.isDivisionCourse(evaluation), let division = scolarite.division {
                        scope = "division \(division)"
                    } else if scolarite.anneeScolaire == currentYear, let group = assignment.groupOf[eleveId]?[course] {
                        scope = "groupe \(group)"
                    } else if scolarite.anneeScolaire == currentYear, let division = scolarite.division {
                        scope = "division \(division)"
                    } else {
                        scope = "enseignants " + evaluation.enseignants.map(\.displayName).joined(separator: ", ")
                        // A past year's cross-division group is also told apart by its block; the block's
                        // values stay out of every message (`label`).
                        if let block = evaluation.groupe {
                            scope += " | \(block.effectif) \(block.moyenne?.description ?? "-") \(block.repartition.map { "\($0.moinsDeHuit) \($0.huitADouze) \($0.douzeEtPlus)" } ?? "-")"
                        }
                    }
                    let label = scope.prefix { $0 != "|" }.trimmingCharacters(in: .whitespaces)
                    memberships.append(Membership(
                        document: d, scolarite: s, evaluation: e,
                        key: GroupKey(annee: scolarite.anneeScolaire, scope: scope, codeMatiere: evaluation.codeMatiere, modalite: evaluation.modalite.rawValue),
                        label: label,
                        line: evaluationLines[d][s][e]))
                }
            }
        }
        checkGroups(&documents, memberships: memberships)

        // Avis pour l'examen: shares over the pupils of each série.
        var avisBySerie: [String: [CodeAvisExamen]] = [:]
        for document in documents { if let code = document.avisExamen?.code { avisBySerie[document.eleve.serie ?? "", default: []].append(code) } }
        for index in documents.indices {
            guard let code = documents[index].avisExamen?.code else { continue }
            let serie = documents[index].eleve.serie ?? ""
            documents[index].avisExamen = AvisExamen(
                code: code, serie: Statistics.serieStatistics(avisBySerie[serie] ?? [], includeAssezFavorable: documents[index].eleve.voie == .professionnelle))
        }

        // The documents must be valid documents: a safety net for what the readers did not catch
        // (run only when they found nothing, so that no error is reported twice).
        let readersFoundErrors = !errors.isEmpty
        for (index, document) in documents.enumerated() where !readersFoundErrors {
            for problem in document.problems() {
                error(lslFile, lines[index], problem.field, problem.message, eleve: document.eleve.ine)
            }
        }
        counts.documents = documents.count
        counts.scolarites = documents.reduce(0) { $0 + $1.scolarites.count }
        counts.evaluations = documents.reduce(0) { $0 + $1.scolarites.reduce(0) { $0 + $1.evaluations.count } }
        counts.warnings = warnings.count
        counts.errors = errors.count
        if !errors.isEmpty { throw ImportFailure(errors: errors, warnings: warnings) }

        documents.sort { $0.eleve.ine < $1.eleve.ine }
        let report = ImportReport(
            status: "ok",
            inputs: ["eleves": inputs.eleves.name, "evaluations": inputs.evaluations.name, "etablissement": inputs.etablissement.name,
                     "nomenclature": inputs.nomenclature.name, "matieres": inputs.matieres?.name ?? ""],
            etablissement: profile.uai, anneeScolaire: currentYear, counts: counts, documents: documents.map(Self.fileName),
            warnings: warnings, errors: [])
        return PreparedImport(documents: documents, report: report)
    }

    /// `<INE>.json`.
    static func fileName(_ document: LivretDocument) -> String {
        "\(document.eleve.ine).json"
    }

    /// Tronc commun and LV1 are taught to the division.
    static func isDivisionCourse(_ evaluation: Evaluation) -> Bool {
        evaluation.modalite == .tronCommun || Nomenclature.languageSlot(evaluation.codeMatiere) == "030001"
    }

    // MARK: - One pupil

    private mutating func document(identity: SiecleExport.Eleve, eleve: LSLFile.Eleve, currentYear: Int, dateDocument: String) -> LivretDocument? {
        let siecleFile = siecle.fileName
        let lslFile = lslFileName
        let who = identity.ine ?? "ELEVE_ID \(identity.eleveId)"
        guard let ine = identity.ine else { return nil }
        guard let nom = identity.nomUsage ?? identity.nomDeFamille else {
            error(siecleFile, identity.line, "<NOM_DE_FAMILLE>", "missing name", eleve: who)
            return nil
        }
        guard !identity.prenoms.isEmpty else {
            error(siecleFile, identity.line, "<PRENOM>", "missing first name", eleve: who)
            return nil
        }
        guard let dateNaissance = identity.dateNaissance else {
            if siecle.errors.contains(where: { $0.field == "<DATE_NAISS>" && $0.eleve == "ELEVE_ID \(identity.eleveId)" }) { return nil }
            error(siecleFile, identity.line, "<DATE_NAISS>", "missing date of birth", eleve: who)
            return nil
        }
        guard let mefCode = identity.mef else {
            error(siecleFile, identity.mefLine, "<CODE_MEF>", "missing MEF", eleve: who)
            return nil
        }
        guard let currentMEF = nomenclature.mef(mefCode, millesime: currentYear) else {
            error(siecleFile, identity.mefLine, "<CODE_MEF>", "MEF \(mefCode) is not in the nomenclature for millésime \(currentYear)", eleve: who)
            return nil
        }
        let voie: Voie = ["S", "ES", "L"].contains(currentMEF.codeSerie) ? .generale : .technologique
        let division = siecle.division(of: identity.eleveId)
        var scolarites: [Scolarite] = []
        for scolarite in eleve.scolarites.sorted(by: { $0.annee < $1.annee }) {
            let mef: Nomenclature.MEF?
            var yearDivision: String?
            if scolarite.annee == currentYear {
                mef = currentMEF
                yearDivision = division
            } else if scolarite.annee < currentYear {
                mef = nomenclature.premiereMEF(serie: currentMEF.codeSerie, specialite: currentMEF.specialite, millesime: scolarite.annee)
                if scolarite.annee == currentYear - 1, identity.rneAnDernier == profile.uai { yearDivision = identity.structureAnDernier }
            } else {
                mef = nil
            }
            guard let mef, let niveau = mef.niveauCanonique else {
                error(lslFile, scolarite.line, "<scolarite>@annee-scolaire",
                      "no Première MEF of série \(currentMEF.codeSerie) for millésime \(scolarite.annee) in the nomenclature", eleve: ine)
                continue
            }
            var rows: [(order: Int, evaluation: Evaluation)] = []
            for evaluation in scolarite.evaluations {
                if let built = self.evaluation(evaluation, mef: mef, millesime: scolarite.annee, codePeriode: scolarite.codePeriode, ine: ine) {
                    rows.append(built)
                }
            }
            rows.sort { ($0.order, $0.evaluation.codeMatiere, $0.evaluation.modalite.rawValue) < ($1.order, $1.evaluation.codeMatiere, $1.evaluation.modalite.rawValue) }
            scolarites.append(Scolarite(
                anneeScolaire: scolarite.annee, niveau: niveau, division: yearDivision, mef: mef.code, codePeriode: scolarite.codePeriode,
                evaluations: rows.map(\.evaluation), avisEngagement: scolarite.avisEngagement,
                avisInvestissement: scolarite.avisInvestissement, avisChefEtablissement: scolarite.avisChefEtab))
        }
        let visa = scolarites.last { $0.avisChefEtablissement != nil }?.avisChefEtablissement
        return LivretDocument(
            dateDocument: dateDocument, etablissement: profile.etablissement,
            eleve: Eleve(
                ine: ine, nom: nom, prenoms: identity.prenoms.joined(separator: ", "), dateNaissance: dateNaissance,
                division: division, mef: mefCode, mefLibelle: labels.mefs[mefCode], serie: currentMEF.codeSerie,
                serieLibelle: currentMEF.serie, voie: voie, eleveId: identity.eleveId),
            scolarites: scolarites, engagements: eleve.engagements, avisExamen: eleve.avisExamen.map { AvisExamen(code: $0) },
            visaChefEtablissement: visa)
    }

    private mutating func evaluation(
        _ source: LSLFile.Evaluation, mef: Nomenclature.MEF, millesime: Int, codePeriode: CodePeriode, ine: String
    ) -> (order: Int, evaluation: Evaluation)? {
        let file = lslFileName
        let code = source.codeMatiere
        let row = Nomenclature.row(in: mef, code: code, modalite: source.modalite.rawValue)
        var libelle: String
        if let slot = Nomenclature.languageSlot(code), slot != code {
            libelle = labels.matieres[code] ?? row?.matiere.discipline ?? "LANGUE \(code)"
            if labels.matieres[code] == nil {
                warning(file, source.line, "<evaluation>@code-matiere", "language \(code) has no label in the SIECLE nomenclature", eleve: ine)
            }
        } else {
            libelle = row?.matiere.discipline ?? labels.matieres[code] ?? "MATIÈRE \(code)"
        }
        if row == nil {
            warning(file, source.line, "<evaluation>@code-matiere",
                    "matière \(code) (modalité \(source.modalite.rawValue)) is not in the nomenclature of MEF \(mef.code), millésime \(millesime)", eleve: ine)
        }
        if libelle.isEmpty { libelle = "MATIÈRE \(code)" }
        let chiffree = row?.matiere.evaluationPeriodique ?? true
        var periodes: [Periode] = []
        var seen = Set<Int>()
        for periode in source.periodes {
            if !(1...codePeriode.periodCount).contains(periode.numero) {
                error(file, source.line, "periode@numero", "period \(periode.numero) does not exist with code-periode \(codePeriode.rawValue) (matière \(code))", eleve: ine)
            }
            if !seen.insert(periode.numero).inserted {
                error(file, source.line, "periode@numero", "period \(periode.numero) appears twice (matière \(code))", eleve: ine)
            }
        }
        if chiffree {
            for numero in 1...codePeriode.periodCount {
                periodes.append(Periode(numero: numero, moyenne: source.periodes.first { $0.numero == numero }?.moyenne ?? nil))
            }
        } else if source.periodes.contains(where: { $0.moyenne != nil }) {
            warning(file, source.line, "<periodiques>", "matière \(code) has no numeric assessment in the nomenclature: period averages ignored", eleve: ine)
        }
        var groupe: GroupBlock?
        if let structure = source.structure, let effectif = structure.effectif {
            var repartition: Repartition?
            if let low = structure.moinsDeHuit, let middle = structure.huitADouze, let high = structure.douzeEtPlus {
                repartition = Repartition(moinsDeHuit: low, huitADouze: middle, douzeEtPlus: high)
            }
            groupe = GroupBlock(effectif: effectif, moyenne: structure.moyenne, repartition: repartition, source: .import)
        }
        let expected = row?.matiere.competences ?? []
        let known = nomenclature.competences[millesime] ?? [:]
        var competences: [(order: Int, competence: Competence)] = []
        for (position, competence) in source.competences.enumerated() {
            let order = expected.firstIndex(of: competence.code) ?? (expected.count + position)
            let label = known[competence.code]
            if label == nil || !expected.contains(competence.code) {
                warning(file, source.line, "competence@code",
                        "competency \(competence.code) is not in the nomenclature for matière \(code), MEF \(mef.code), millésime \(millesime)", eleve: ine)
            }
            competences.append((order, Competence(code: competence.code, libelle: label ?? "Compétence \(competence.code)", niveau: competence.niveau)))
        }
        competences.sort { $0.order < $1.order }
        let evaluation = Evaluation(
            codeMatiere: code, modalite: source.modalite, libelle: libelle, regroupement: row?.matiere.regroupement,
            evaluationChiffree: chiffree, periodes: periodes, groupe: groupe, competences: competences.map(\.competence),
            appreciation: source.annuelle, enseignants: source.enseignants, date: source.date)
        return (row?.index ?? Int.max, evaluation)
    }

    // MARK: - Group blocks

    /// Recomputes the block of every teaching group: fills the missing ones, reports a disagreement.
    ///
    /// A disagreement is reported once per group, naming the group and which fields disagree, never
    /// their values (for a small group the average and the shares reveal the pupils' marks), and no
    /// pupil (it concerns the group).
    private mutating func checkGroups(_ documents: inout [LivretDocument], memberships: [Membership]) {
        var groups: [GroupKey: [Membership]] = [:]
        for membership in memberships { groups[membership.key, default: []].append(membership) }
        for key in groups.keys.sorted(by: { $0.description < $1.description }) {
            let group = groups[key]!
            let evaluations = group.map { documents[$0.document].scolarites[$0.scolarite].evaluations[$0.evaluation] }
            let computed = Statistics.groupBlock(effectif: group.count, annualAverages: evaluations.map(\.moyenneAnnuelle))
            var disagreeing = Set<Field>()
            var firstLine: Int?
            for (membership, evaluation) in zip(group, evaluations) {
                guard let imported = evaluation.groupe else {
                    var block = computed
                    if !evaluation.evaluationChiffree { block = GroupBlock(effectif: computed.effectif, moyenne: nil, repartition: nil, source: .calcul) }
                    documents[membership.document].scolarites[membership.scolarite].evaluations[membership.evaluation].groupe = block
                    counts.groupBlocksComputed += 1
                    continue
                }
                counts.groupBlocksImported += 1
                counts.groupBlocksChecked += 1
                let fields = Self.disagreements(imported, computed, numeric: evaluation.evaluationChiffree)
                if !fields.isEmpty && firstLine == nil { firstLine = membership.line }
                disagreeing.formUnion(fields)
            }
            guard let firstLine, let label = group.first?.label else { continue }
            let names = Field.allCases.filter(disagreeing.contains).map(\.rawValue).joined(separator: ", ")
            warning(lslFileName, firstLine, "<structure>",
                    "group block of \(label), année \(key.annee)-\(key.annee + 1), matière \(key.codeMatiere), modalité \(key.modalite): "
                        + "the imported block disagrees with the one recomputed from the pupils of the group (\(names))")
        }
    }

    /// The fields of a group block, as messages name them.
    private enum Field: String, CaseIterable, Hashable {
        case effectif, moyenne
        case repartition = "répartition"
    }

    /// The fields of `a` that disagree with `b` (a hundredth of tolerance on the numbers).
    private static func disagreements(_ a: GroupBlock, _ b: GroupBlock, numeric: Bool) -> Set<Field> {
        var fields = Set<Field>()
        if a.effectif != b.effectif { fields.insert(.effectif) }
        guard numeric else { return fields }
        func close(_ x: Decimal2?, _ y: Decimal2?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case let (x?, y?): abs(x.hundredths - y.hundredths) <= 1
            default: false
            }
        }
        if !close(a.moyenne, b.moyenne) { fields.insert(.moyenne) }
        if !(close(a.repartition?.moinsDeHuit, b.repartition?.moinsDeHuit) && close(a.repartition?.huitADouze, b.repartition?.huitADouze)
            && close(a.repartition?.douzeEtPlus, b.repartition?.douzeEtPlus)) { fields.insert(.repartition) }
        return fields
    }
}
