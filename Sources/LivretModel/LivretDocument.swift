/// The canonical livret document: one pupil, every school year the livret covers.
///
/// It is what the importer writes, what the renderer reads, and what the archive keeps beside
/// each PDF so that any copy can be rendered again and compared byte for byte. Its JSON form is
/// documented in `docs/canonical-document.md`; `schemaVersion` changes when a field changes meaning.
public struct LivretDocument: Codable, Hashable, Sendable {
    /// The `schemaVersion` this program writes and reads.
    public static let currentSchemaVersion = 1

    /// The version of the document's JSON form; a document of another version is refused.
    public var schemaVersion: Int
    /// The layout model the document is meant for (`gt-2012`); `--layout` may override it.
    public var modele: String?
    /// The date the document speaks for (`YYYY-MM-DD`): printed, and the PDF's creation date,
    /// so that the same document always gives the same bytes.
    public var dateDocument: String
    /// The lycée that issues the livret.
    public var etablissement: Etablissement
    /// The pupil.
    public var eleve: Eleve
    /// Première and terminale, in that order; one of them may be missing.
    public var scolarites: [Scolarite]
    /// The pupil's engagements (delegate, councils, association sportive), when any.
    public var engagements: Engagements?
    /// The avis for the baccalauréat examination (terminale), when given.
    public var avisExamen: AvisExamen?
    /// Visa et observations éventuelles du chef d'établissement.
    public var visaChefEtablissement: Avis?

    /// A document from its parts; `schemaVersion` defaults to `currentSchemaVersion`.
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

/// A person named in the livret: a teacher, the head of the lycée.
public struct Personne: Codable, Hashable, Sendable {
    /// `M.` or `Mme`, when known.
    public var civilite: String?
    /// Surname.
    public var nom: String
    /// First name, when known.
    public var prenom: String?

    /// A person from civility, surname and first name.
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

/// The lycée issuing the livret, as printed in its header.
public struct Etablissement: Codable, Hashable, Sendable {
    /// UAI (RNE) code, 7 digits and a check letter, e.g. `0941234F`.
    public var uai: String
    /// The lycée's name.
    public var nom: String
    /// Street address.
    public var adresse: String?
    /// Postal code.
    public var codePostal: String?
    /// Town.
    public var commune: String?
    /// Académie, e.g. `Créteil`.
    public var academie: String?
    /// The head of the lycée (chef d'établissement).
    public var chefEtablissement: Personne?

    /// A lycée from its UAI, name and optional address and head.
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

/// The pupil's track: voie générale, technologique or professionnelle.
public enum Voie: String, Codable, Hashable, Sendable {
    case generale, technologique, professionnelle
}

/// The pupil, as identified in SIECLE.
public struct Eleve: Codable, Hashable, Sendable {
    /// The pupil's national identifier (INE), validated by `Identifiers`.
    public var ine: String
    /// Surname.
    public var nom: String
    /// First names, as in SIECLE.
    public var prenoms: String
    /// `YYYY-MM-DD`.
    public var dateNaissance: String
    /// Division (class) of the latest school year, e.g. `TS2`.
    public var division: String?
    /// SIECLE MEF code (11 characters) and its label.
    public var mef: String?
    /// The MEF's label, e.g. `TERMINALE S`.
    public var mefLibelle: String?
    /// Série code (`S`, `ES`, `STMG`…) and its label.
    public var serie: String?
    /// The série's label, e.g. `SCIENTIFIQUE`.
    public var serieLibelle: String?
    /// The pupil's voie.
    public var voie: Voie
    /// SIECLE `ELEVE_ID`, the key of the LSL import file (not printed).
    public var eleveId: String?

    /// A pupil from SIECLE's fields.
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

/// The year of the lycée a school year is: première or terminale.
public enum Niveau: String, Codable, Hashable, Sendable {
    case premiere, terminale
}

/// Trimestres (3 periods) or semestres (2).
public enum CodePeriode: String, Codable, Hashable, Sendable {
    case trimestres = "T"
    case semestres = "S"

    /// How many periods the year has: 3 for trimestres, 2 for semestres.
    public var periodCount: Int { self == .trimestres ? 3 : 2 }
}

/// One school year of the livret.
public struct Scolarite: Codable, Hashable, Sendable {
    /// First calendar year of the school year: 2015 means 2015-2016.
    public var anneeScolaire: Int
    /// Première or terminale.
    public var niveau: Niveau
    /// The division (class) of that year, e.g. `1S2`.
    public var division: String?
    /// SIECLE MEF code of that year.
    public var mef: String?
    /// Whether the year was in trimestres or semestres.
    public var codePeriode: CodePeriode
    /// The disciplines of the year, in livret order.
    public var evaluations: [Evaluation]
    /// CPE's observations on the engagements (avisEngagement in the LSL import).
    public var avisEngagement: Avis?
    /// Avis de l'équipe pédagogique et du CPE sur l'investissement (professeur principal).
    public var avisInvestissement: Avis?
    /// Avis du chef d'établissement for this year, when the import carries one.
    public var avisChefEtablissement: Avis?

    /// A school year from its parts.
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

/// How the pupil takes a discipline: common core (`S`), compulsory option (`O`) or optional (`F`).
public enum ModaliteElection: String, Codable, Hashable, Sendable {
    case tronCommun = "S"
    case optionObligatoire = "O"
    case optionFacultative = "F"
}

/// One discipline of one school year.
public struct Evaluation: Codable, Hashable, Sendable {
    /// BCN code matière, 6 digits (the real SIECLE code for languages, e.g. 030201).
    public var codeMatiere: String
    /// How the pupil takes the discipline.
    public var modalite: ModaliteElection
    /// Label printed in the livret (from the nomenclature), e.g. `MATHÉMATIQUES`, `ANGLAIS LV1`.
    public var libelle: String
    /// Regroupement heading, e.g. `ENSEIGNEMENTS OBLIGATOIRES`.
    public var regroupement: String?
    /// False for subjects without numeric assessment (TPE, EMC…): no averages, no group shares.
    public var evaluationChiffree: Bool
    /// Period averages; a period that is absent or has a null `moyenne` prints `NN`.
    public var periodes: [Periode]
    /// The statistics of the pupil's teaching group, when known.
    public var groupe: GroupBlock?
    /// The competencies assessed, each with its level.
    public var competences: [Competence]
    /// Appréciation générale (annuelle).
    public var appreciation: String?
    /// The teachers of the discipline.
    public var enseignants: [Personne]
    /// The date of the appreciation (`YYYY-MM-DD`), when given.
    public var date: String?

    /// A discipline of a year from its parts; `evaluationChiffree` defaults to true.
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

/// The pupil's average for one period.
public struct Periode: Codable, Hashable, Sendable {
    /// The period's number, from 1.
    public var numero: Int
    /// nil: non noté (LSL `moyenne="-1"` or no `<periode>`).
    public var moyenne: Decimal2?

    /// The average of period `numero`; nil for non noté.
    public init(numero: Int, moyenne: Decimal2?) {
        self.numero = numero
        self.moyenne = moyenne
    }

    enum CodingKeys: String, CodingKey { case numero, moyenne }

    /// Writes `moyenne` even when nil (as JSON `null`: non noté).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numero, forKey: .numero)
        try container.encode(moyenne, forKey: .moyenne)  // null is explicit: "non noté"
    }
}

/// The statistics of the pupil's teaching group for one discipline.
public struct GroupBlock: Codable, Hashable, Sendable {
    /// How many pupils the group has.
    public var effectif: Int
    /// Group annual average; nil when no pupil of the group has one.
    public var moyenne: Decimal2?
    /// Shares of the annual averages `< 8`, `≥ 8 et < 12`, `≥ 12`, in %; nil when not numeric.
    public var repartition: Repartition?
    /// Where the block comes from: `import` (the LSL `structure`) or `calcul` (recomputed).
    public var source: Source?

    /// Where a group block comes from: the LSL file (`import`) or recomputed (`calcul`).
    public enum Source: String, Codable, Hashable, Sendable { case `import`, calcul }

    /// A group block from its count, average, shares and origin.
    public init(effectif: Int, moyenne: Decimal2?, repartition: Repartition?, source: Source? = nil) {
        self.effectif = effectif
        self.moyenne = moyenne
        self.repartition = repartition
        self.source = source
    }
}

/// Shares of the group's annual averages in three bands, in % (they sum to 100).
public struct Repartition: Codable, Hashable, Sendable {
    /// Share below 8.
    public var moinsDeHuit: Decimal2
    /// Share from 8 up to (not including) 12.
    public var huitADouze: Decimal2
    /// Share of 12 and above.
    public var douzeEtPlus: Decimal2

    /// The three shares.
    public init(moinsDeHuit: Decimal2, huitADouze: Decimal2, douzeEtPlus: Decimal2) {
        self.moinsDeHuit = moinsDeHuit
        self.huitADouze = huitADouze
        self.douzeEtPlus = douzeEtPlus
    }

    /// The sum of the three shares (100 when the shares are right).
    public var total: Decimal2 {
        Decimal2(hundredths: moinsDeHuit.hundredths + huitADouze.hundredths + douzeEtPlus.hundredths)
    }
}

/// Competency level: `1`…`4`, `A1`…`C2` for languages, `NE` non évaluée, `0` (undocumented; kept).
public struct Competence: Codable, Hashable, Sendable {
    /// The levels a competency may have.
    public static let allowedLevels: Set<String> = ["0", "NE", "1", "2", "3", "4", "A1", "A2", "B1", "B2", "C1", "C2"]

    /// The competency's code in the nomenclature.
    public var code: String
    /// The competency's label, as printed.
    public var libelle: String
    /// Its level, one of `allowedLevels`.
    public var niveau: String

    /// A competency from code, label and level.
    public init(code: String, libelle: String, niveau: String) {
        self.code = code
        self.libelle = libelle
        self.niveau = niveau
    }
}

/// A signed opinion: text, author, date.
public struct Avis: Codable, Hashable, Sendable {
    /// The text of the opinion.
    public var texte: String
    /// The signer's surname.
    public var nom: String?
    /// The signer's first name.
    public var prenom: String?
    /// The date signed (`YYYY-MM-DD`), when given.
    public var date: String?

    /// An opinion from its text and optional signer and date.
    public init(texte: String, nom: String? = nil, prenom: String? = nil, date: String? = nil) {
        self.texte = texte
        self.nom = nom
        self.prenom = prenom
        self.date = date
    }

    /// `Prénom Nom` of the signer, nil when neither name is known.
    public var signataire: String? {
        let name = [prenom, nom].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}

/// A kind of engagement, by its LSL code (délégué de classe, CVL, CA, CESC, AS).
public enum CodeEngagement: String, Codable, Hashable, Sendable, CaseIterable {
    case delegueClasse = "C"
    case conseilVieLyceenne = "V"
    case conseilAdministration = "A"
    case comiteSanteCitoyennete = "E"
    case associationSportive = "S"
}

/// The pupil's engagements in the life of the lycée.
public struct Engagements: Codable, Hashable, Sendable {
    /// The engagements, by code.
    public var codes: [CodeEngagement]
    /// Another engagement, in free text.
    public var autre: String?

    /// Engagements from codes and an optional free text.
    public init(codes: [CodeEngagement], autre: String? = nil) {
        self.codes = codes
        self.autre = autre
    }
}

/// The avis for the examination, by its LSL code: très favorable, favorable, assez favorable, doit faire ses preuves.
public enum CodeAvisExamen: String, Codable, Hashable, Sendable, CaseIterable {
    case tresFavorable = "T"
    case favorable = "F"
    case assezFavorable = "A"
    case doitFaireSesPreuves = "D"
}

/// The avis for the baccalauréat examination, with the série's figures.
public struct AvisExamen: Codable, Hashable, Sendable {
    /// The pupil's avis.
    public var code: CodeAvisExamen
    /// Shares of each avis over all pupils of the série in the établissement.
    public var serie: StatistiquesSerie?

    /// An avis with optional série figures.
    public init(code: CodeAvisExamen, serie: StatistiquesSerie? = nil) {
        self.code = code
        self.serie = serie
    }
}

/// How the avis were shared among the pupils of the série in the lycée, in %.
public struct StatistiquesSerie: Codable, Hashable, Sendable {
    /// How many pupils of the série.
    public var effectif: Int
    /// Share of `très favorable`.
    public var tresFavorable: Decimal2
    /// Share of `favorable`.
    public var favorable: Decimal2
    /// Share of `assez favorable` (absent in some years' formats).
    public var assezFavorable: Decimal2?
    /// Share of `doit faire ses preuves`.
    public var doitFaireSesPreuves: Decimal2

    /// The figures of a série.
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

    /// The share of avis `code`, nil when not given.
    public func share(_ code: CodeAvisExamen) -> Decimal2? {
        switch code {
        case .tresFavorable: tresFavorable
        case .favorable: favorable
        case .assezFavorable: assezFavorable
        case .doitFaireSesPreuves: doitFaireSesPreuves
        }
    }
}
