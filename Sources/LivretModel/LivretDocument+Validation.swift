extension LivretDocument {
    /// Every rule the document breaks, each with the path of the field; empty when it is valid.
    public func problems() -> [DocumentError.Problem] {
        var found: [DocumentError.Problem] = []
        func report(_ field: String, _ message: String) { found.append(.init(field: field, message: message)) }

        if schemaVersion != LivretDocument.currentSchemaVersion {
            report("schemaVersion", "\(schemaVersion) is not supported (this livret reads \(LivretDocument.currentSchemaVersion))")
        }
        if !Self.isDate(dateDocument) { report("dateDocument", "\(MessageText.quoted(dateDocument)) is not a date YYYY-MM-DD") }
        if let problem = Identifiers.uaiProblem(etablissement.uai) { report("etablissement.uai", problem) }
        if etablissement.nom.isEmpty { report("etablissement.nom", "is empty") }
        if Identifiers.ineKind(eleve.ine) == nil { report("eleve.ine", "\(MessageText.quoted(eleve.ine)) is not an INE of a known format") }
        if eleve.nom.isEmpty { report("eleve.nom", "is empty") }
        if eleve.prenoms.isEmpty { report("eleve.prenoms", "is empty") }
        if !Self.isDate(eleve.dateNaissance) { report("eleve.dateNaissance", "\(MessageText.quoted(eleve.dateNaissance)) is not a date YYYY-MM-DD") }
        if scolarites.isEmpty { report("scolarites", "no school year") }

        var seenYears = Set<Niveau>()
        for (y, scolarite) in scolarites.enumerated() {
            let base = "scolarites[\(y)]"
            if !seenYears.insert(scolarite.niveau).inserted { report("\(base).niveau", "\(scolarite.niveau.rawValue) appears twice") }
            if !(2000...9999).contains(scolarite.anneeScolaire) {
                report("\(base).anneeScolaire", "\(scolarite.anneeScolaire) is not a school year (2000–9999)")
            }
            for (e, evaluation) in scolarite.evaluations.enumerated() {
                Self.check(evaluation, at: "\(base).evaluations[\(e)]", periods: scolarite.codePeriode.periodCount, report)
            }
            for (name, avis) in [("avisEngagement", scolarite.avisEngagement), ("avisInvestissement", scolarite.avisInvestissement),
                                 ("avisChefEtablissement", scolarite.avisChefEtablissement)] {
                if let avis { Self.check(avis, at: "\(base).\(name)", report) }
            }
        }
        if let engagements {
            if Set(engagements.codes).count != engagements.codes.count { report("engagements.codes", "a code appears twice") }
            if engagements.autre?.isEmpty == true { report("engagements.autre", "is empty") }
        }
        if let serie = avisExamen?.serie {
            if serie.effectif < 0 { report("avisExamen.serie.effectif", "\(serie.effectif) is negative") }
            let shares: [(String, Decimal2?)] = [("tresFavorable", serie.tresFavorable), ("favorable", serie.favorable),
                                                 ("assezFavorable", serie.assezFavorable), ("doitFaireSesPreuves", serie.doitFaireSesPreuves)]
            var total = 0
            for (name, share) in shares {
                guard let share else { continue }
                total += share.hundredths
                if !(0...10_000).contains(share.hundredths) { report("avisExamen.serie.\(name)", "share outside 0–100") }
            }
            if abs(total - 10_000) > 1 { report("avisExamen.serie", "the sum of the shares is not 100") }
        }
        if let visaChefEtablissement { Self.check(visaChefEtablissement, at: "visaChefEtablissement", report) }
        return found
    }

    /// Throws a `DocumentError` listing every problem, if there is any.
    public func validate(source: String) throws(DocumentError) {
        let found = problems()
        if !found.isEmpty { throw DocumentError(source: source, problems: found) }
    }

    private static func check(
        _ evaluation: Evaluation, at base: String, periods: Int, _ report: (String, String) -> Void
    ) {
        if !(evaluation.codeMatiere.count == 6 && evaluation.codeMatiere.allSatisfy { $0.isASCII && $0.isNumber }) {
            report("\(base).codeMatiere", "\(MessageText.quoted(evaluation.codeMatiere)) is not a code matière (6 digits)")
        }
        if evaluation.libelle.isEmpty { report("\(base).libelle", "is empty") }
        var numbers = Set<Int>()
        for (p, periode) in evaluation.periodes.enumerated() {
            if !(1...periods).contains(periode.numero) {
                report("\(base).periodes[\(p)].numero", "\(periode.numero) is not a period of this year (1–\(periods))")
            }
            if !numbers.insert(periode.numero).inserted { report("\(base).periodes[\(p)].numero", "period \(periode.numero) appears twice") }
            if let mark = periode.moyenne, !(0...2000).contains(mark.hundredths) {
                report("\(base).periodes[\(p)].moyenne", "mark outside 0–20")
            }
        }
        if !evaluation.evaluationChiffree && evaluation.periodes.contains(where: { $0.moyenne != nil }) {
            report("\(base).periodes", "a subject without numeric assessment has period averages")
        }
        if let groupe = evaluation.groupe {
            if groupe.effectif < 0 { report("\(base).groupe.effectif", "\(groupe.effectif) is negative") }
            if let moyenne = groupe.moyenne, !(0...2000).contains(moyenne.hundredths) {
                report("\(base).groupe.moyenne", "average outside 0–20")
            }
            if let r = groupe.repartition {
                for (name, share) in [("moinsDeHuit", r.moinsDeHuit), ("huitADouze", r.huitADouze), ("douzeEtPlus", r.douzeEtPlus)]
                where !(0...10_000).contains(share.hundredths) {
                    report("\(base).groupe.repartition.\(name)", "share outside 0–100")
                }
                if abs(r.total.hundredths - 10_000) > 1 {
                    report("\(base).groupe.repartition", "the sum of the shares is not 100 (± 0,01)")
                }
            }
        }
        for (c, competence) in evaluation.competences.enumerated() {
            if !(competence.code.count == 4 && competence.code.allSatisfy { $0.isASCII && $0.isNumber }) {
                report("\(base).competences[\(c)].code", "\(MessageText.quoted(competence.code)) is not a competency code (4 digits)")
            }
            if competence.libelle.isEmpty { report("\(base).competences[\(c)].libelle", "is empty") }
            if !Competence.allowedLevels.contains(competence.niveau) {
                report("\(base).competences[\(c)].niveau", "\(MessageText.quoted(competence.niveau)) is not a level (1–4, A1–C2, NE)")
            }
        }
        for (t, teacher) in evaluation.enseignants.enumerated() where teacher.nom.isEmpty {
            report("\(base).enseignants[\(t)].nom", "is empty")
        }
        if let date = evaluation.date, !isDate(date) { report("\(base).date", "\(MessageText.quoted(date)) is not a date YYYY-MM-DD") }
    }

    private static func check(_ avis: Avis, at base: String, _ report: (String, String) -> Void) {
        if avis.texte.isEmpty { report("\(base).texte", "is empty") }
        if let date = avis.date, !isDate(date) { report("\(base).date", "\(MessageText.quoted(date)) is not a date YYYY-MM-DD") }
    }

    /// `YYYY-MM-DD` with a real day of a real month.
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
