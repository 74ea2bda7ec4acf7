/// The canonical livret document: one pupil, every school year the livret covers.
///
/// It is what the importer writes, what the renderer reads, and what the archive keeps beside
/// each PDF so that any copy can be rendered again and compared byte for byte. Its JSON form is
/// documented in `docs/canonical-document.md`; `schemaVersion` changes when a field changes meaning.
public struct LivretDocument: Codable, Hashable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The layout model the document is meant for (`gt-2012`); `--layout` may override it.
    public var modele: String?
    /// The date the document speaks for (`YYYY-MM-DD`): printed, and the PDF's creation date,
    /// so that the same document always gives the same bytes.
    public var dateDocument: String
    public var etablissement: Etablissement
    public var eleve: Eleve
    /// Première and terminale, in that order; one of them may be missing.
    public var scolarites: [Scolarite]
    public var engagements: Engagements?
    public var avisExamen: AvisExamen?
    /// Visa et observations éventuelles du chef d'établissement.
    public var visaChefEtablissement: Avis?

    public init(
        schemaVersion: Int = LivretDocument.currentSchemaVersion, modele: String? = nil, dateDocument: String,
        etablissement: Etablissement, eleve: Eleve, scolarites: [Scolarite], engagements: Engagements? = nil,
        avisExamen: AvisExamen? = nil, visaChefEtablissement: Avis? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.modele = modele
        self.dateDocument = dateDocument
        self.etablissement = etablissement
        self.eleve = eleve
        self.scolarites = scolarites
        self.engagements = engagements
        self.avisExamen = avisExamen
        self.visaChefEtablissement = visaChefEtablissement
    }
}

public struct Personne: Codable, Hashable, Sendable {
    public var civilite: String?
    public var nom: String
    public var prenom: String?

    public init(civilite: String? = nil, nom: String, prenom: String? = nil) {
        self.civilite = civilite
        self.nom = nom
        self.prenom = prenom
    }

    /// `M. Prénom NOM`, `Prénom NOM` or `NOM`.
    public var displayName: String {
        [civilite, prenom, nom].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " ")
    }
}

public struct Etablissement: Codable, Hashable, Sendable {
    public var uai: String
    public var nom: String
    public var adresse: String?
    public var codePostal: String?
    public var commune: String?
    public var academie: String?
    public var chefEtablissement: Personne?

    public init(
        uai: String, nom: String, adresse: String? = nil, codePostal: String? = nil, commune: String? = nil,
        academie: String? = nil, chefEtablissement: Personne? = nil
    ) {
        self.uai = uai
        self.nom = nom
        self.adresse = adresse
        self.codePostal = codePostal
        self.commune = commune
        self.academie = academie
        self.chefEtablissement = chefEtablissement
    }
}

public enum Voie: String, Codable, Hashable, Sendable {
    case generale, technologique, professionnelle
}

public struct Eleve: Codable, Hashable, Sendable {
    public var ine: String
    public var nom: String
    public var prenoms: String
    /// `YYYY-MM-DD`.
    public var dateNaissance: String
    /// Division (class) of the latest school year, e.g. `TS2`.
    public var division: String?
    /// SIECLE MEF code (11 characters) and its label.
    public var mef: String?
    public var mefLibelle: String?
    /// Série code (`S`, `ES`, `STMG`…) and its label.
    public var serie: String?
    public var serieLibelle: String?
    public var voie: Voie
    /// SIECLE `ELEVE_ID`, the key of the LSL import file (not printed).
    public var eleveId: String?

    public init(
        ine: String, nom: String, prenoms: String, dateNaissance: String, division: String? = nil,
        mef: String? = nil, mefLibelle: String? = nil, serie: String? = nil, serieLibelle: String? = nil,
        voie: Voie, eleveId: String? = nil
    ) {
        self.ine = ine
        self.nom = nom
        self.prenoms = prenoms
        self.dateNaissance = dateNaissance
        self.division = division
        self.mef = mef
        self.mefLibelle = mefLibelle
        self.serie = serie
        self.serieLibelle = serieLibelle
        self.voie = voie
        self.eleveId = eleveId
    }
}

public enum Niveau: String, Codable, Hashable, Sendable {
    case premiere, terminale
}

/// Trimestres (3 periods) or semestres (2).
public enum CodePeriode: String, Codable, Hashable, Sendable {
    case trimestres = "T"
    case semestres = "S"

    public var periodCount: Int { self == .trimestres ? 3 : 2 }
}

/// One school year of the livret.
public struct Scolarite: Codable, Hashable, Sendable {
    /// First calendar year of the school year: 2015 means 2015-2016.
    public var anneeScolaire: Int
    public var niveau: Niveau
    public var division: String?
    public var mef: String?
    public var codePeriode: CodePeriode
    public var evaluations: [Evaluation]
    /// CPE's observations on the engagements (avisEngagement in the LSL import).
    public var avisEngagement: Avis?
    /// Avis de l'équipe pédagogique et du CPE sur l'investissement (professeur principal).
    public var avisInvestissement: Avis?
    /// Avis du chef d'établissement for this year, when the import carries one.
    public var avisChefEtablissement: Avis?

    public init(
        anneeScolaire: Int, niveau: Niveau, division: String? = nil, mef: String? = nil, codePeriode: CodePeriode,
        evaluations: [Evaluation], avisEngagement: Avis? = nil, avisInvestissement: Avis? = nil,
        avisChefEtablissement: Avis? = nil
    ) {
        self.anneeScolaire = anneeScolaire
        self.niveau = niveau
        self.division = division
        self.mef = mef
        self.codePeriode = codePeriode
        self.evaluations = evaluations
        self.avisEngagement = avisEngagement
        self.avisInvestissement = avisInvestissement
        self.avisChefEtablissement = avisChefEtablissement
    }

    /// `2015-2016`.
    public var anneeLabel: String { "\(anneeScolaire)-\(anneeScolaire + 1)" }
}

public enum ModaliteElection: String, Codable, Hashable, Sendable {
    case tronCommun = "S"
    case optionObligatoire = "O"
    case optionFacultative = "F"
}

/// One discipline of one school year.
public struct Evaluation: Codable, Hashable, Sendable {
    /// BCN code matière, 6 digits (the real SIECLE code for languages, e.g. 030201).
    public var codeMatiere: String
    public var modalite: ModaliteElection
    /// Label printed in the livret (from the nomenclature), e.g. `MATHÉMATIQUES`, `ANGLAIS LV1`.
    public var libelle: String
    /// Regroupement heading, e.g. `ENSEIGNEMENTS OBLIGATOIRES`.
    public var regroupement: String?
    /// False for subjects without numeric assessment (TPE, EMC…): no averages, no group shares.
    public var evaluationChiffree: Bool
    /// Period averages; a period that is absent or has a null `moyenne` prints `NN`.
    public var periodes: [Periode]
    public var groupe: GroupBlock?
    public var competences: [Competence]
    /// Appréciation générale (annuelle).
    public var appreciation: String?
    public var enseignants: [Personne]
    public var date: String?

    public init(
        codeMatiere: String, modalite: ModaliteElection, libelle: String, regroupement: String? = nil,
        evaluationChiffree: Bool = true, periodes: [Periode], groupe: GroupBlock? = nil,
        competences: [Competence] = [], appreciation: String? = nil, enseignants: [Personne] = [], date: String? = nil
    ) {
        self.codeMatiere = codeMatiere
        self.modalite = modalite
        self.libelle = libelle
        self.regroupement = regroupement
        self.evaluationChiffree = evaluationChiffree
        self.periodes = periodes
        self.groupe = groupe
        self.competences = competences
        self.appreciation = appreciation
        self.enseignants = enseignants
        self.date = date
    }

    /// The average of period `numero` (1-based), nil when non-noted.
    public func moyenne(periode numero: Int) -> Decimal2? {
        periodes.first { $0.numero == numero }?.moyenne
    }

    /// The pupil's annual average by the rule of DESIGN.md; nil is printed `NN`.
    public var moyenneAnnuelle: Decimal2? {
        guard evaluationChiffree else { return nil }
        return Statistics.annualAverage(periodes.map(\.moyenne))
    }
}

public struct Periode: Codable, Hashable, Sendable {
    public var numero: Int
    /// nil: non noté (LSL `moyenne="-1"` or no `<periode>`).
    public var moyenne: Decimal2?

    public init(numero: Int, moyenne: Decimal2?) {
        self.numero = numero
        self.moyenne = moyenne
    }

    enum CodingKeys: String, CodingKey { case numero, moyenne }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numero, forKey: .numero)
        try container.encode(moyenne, forKey: .moyenne)  // null is explicit: "non noté"
    }
}

/// The statistics of the pupil's teaching group for one discipline.
public struct GroupBlock: Codable, Hashable, Sendable {
    public var effectif: Int
    /// Group annual average; nil when no pupil of the group has one.
    public var moyenne: Decimal2?
    /// Shares of the annual averages `< 8`, `≥ 8 et < 12`, `≥ 12`, in %; nil when not numeric.
    public var repartition: Repartition?
    /// Where the block comes from: `import` (the LSL `structure`) or `calcul` (recomputed).
    public var source: Source?

    public enum Source: String, Codable, Hashable, Sendable { case `import`, calcul }

    public init(effectif: Int, moyenne: Decimal2?, repartition: Repartition?, source: Source? = nil) {
        self.effectif = effectif
        self.moyenne = moyenne
        self.repartition = repartition
        self.source = source
    }
}

public struct Repartition: Codable, Hashable, Sendable {
    public var moinsDeHuit: Decimal2
    public var huitADouze: Decimal2
    public var douzeEtPlus: Decimal2

    public init(moinsDeHuit: Decimal2, huitADouze: Decimal2, douzeEtPlus: Decimal2) {
        self.moinsDeHuit = moinsDeHuit
        self.huitADouze = huitADouze
        self.douzeEtPlus = douzeEtPlus
    }

    public var total: Decimal2 {
        Decimal2(hundredths: moinsDeHuit.hundredths + huitADouze.hundredths + douzeEtPlus.hundredths)
    }
}

/// Competency level: `1`…`4`, `A1`…`C2` for languages, `NE` non évaluée, `0` (undocumented; kept).
public struct Competence: Codable, Hashable, Sendable {
    public static let allowedLevels: Set<String> = ["0", "NE", "1", "2", "3", "4", "A1", "A2", "B1", "B2", "C1", "C2"]

    public var code: String
    public var libelle: String
    public var niveau: String

    public init(code: String, libelle: String, niveau: String) {
        self.code = code
        self.libelle = libelle
        self.niveau = niveau
    }
}

/// A signed opinion: text, author, date.
public struct Avis: Codable, Hashable, Sendable {
    public var texte: String
    public var nom: String?
    public var prenom: String?
    public var date: String?

    public init(texte: String, nom: String? = nil, prenom: String? = nil, date: String? = nil) {
        self.texte = texte
        self.nom = nom
        self.prenom = prenom
        self.date = date
    }

    public var signataire: String? {
        let name = [prenom, nom].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}

public enum CodeEngagement: String, Codable, Hashable, Sendable, CaseIterable {
    case delegueClasse = "C"
    case conseilVieLyceenne = "V"
    case conseilAdministration = "A"
    case comiteSanteCitoyennete = "E"
    case associationSportive = "S"
}

public struct Engagements: Codable, Hashable, Sendable {
    public var codes: [CodeEngagement]
    public var autre: String?

    public init(codes: [CodeEngagement], autre: String? = nil) {
        self.codes = codes
        self.autre = autre
    }
}

public enum CodeAvisExamen: String, Codable, Hashable, Sendable, CaseIterable {
    case tresFavorable = "T"
    case favorable = "F"
    case assezFavorable = "A"
    case doitFaireSesPreuves = "D"
}

public struct AvisExamen: Codable, Hashable, Sendable {
    public var code: CodeAvisExamen
    /// Shares of each avis over all pupils of the série in the établissement.
    public var serie: StatistiquesSerie?

    public init(code: CodeAvisExamen, serie: StatistiquesSerie? = nil) {
        self.code = code
        self.serie = serie
    }
}

public struct StatistiquesSerie: Codable, Hashable, Sendable {
    public var effectif: Int
    public var tresFavorable: Decimal2
    public var favorable: Decimal2
    public var assezFavorable: Decimal2?
    public var doitFaireSesPreuves: Decimal2

    public init(
        effectif: Int, tresFavorable: Decimal2, favorable: Decimal2, assezFavorable: Decimal2? = nil,
        doitFaireSesPreuves: Decimal2
    ) {
        self.effectif = effectif
        self.tresFavorable = tresFavorable
        self.favorable = favorable
        self.assezFavorable = assezFavorable
        self.doitFaireSesPreuves = doitFaireSesPreuves
    }

    public func share(_ code: CodeAvisExamen) -> Decimal2? {
        switch code {
        case .tresFavorable: tresFavorable
        case .favorable: favorable
        case .assezFavorable: assezFavorable
        case .doitFaireSesPreuves: doitFaireSesPreuves
        }
    }
}
