import LivretModel

/// The content of an LSL import file (`urn:ac-grenoble.fr:lsl:import`), checked against the schema.
public struct LSLFile: Sendable {
    /// One `<eleve>` of the file.
    public struct Eleve: Sendable {
        /// Its `id` attribute: the SIECLE `ELEVE_ID`.
        public var id: String
        /// The line of its start tag.
        public var line: Int
        /// Its engagements, when any.
        public var engagements: Engagements?
        /// Its avis for the examination, when given.
        public var avisExamen: CodeAvisExamen?
        /// Its school years.
        public var scolarites: [Scolarite]
    }

    /// One `<scolarite>` of a pupil.
    public struct Scolarite: Sendable {
        /// The school year (first calendar year).
        public var annee: Int
        /// Trimestres or semestres.
        public var codePeriode: CodePeriode
        /// The line of its start tag.
        public var line: Int
        /// The CPE's observations on the engagements.
        public var avisEngagement: Avis?
        /// The avis on the pupil's investment.
        public var avisInvestissement: Avis?
        /// The head of the lycée's avis for the year.
        public var avisChefEtab: Avis?
        /// Its disciplines.
        public var evaluations: [Evaluation]
    }

    /// A `<structure>`: the statistics of the teaching group, as given.
    public struct Structure: Sendable, Hashable {
        /// Pupils in the group.
        public var effectif: Int?
        /// Group annual average.
        public var moyenne: Decimal2?
        /// Share of averages below 8, in %.
        public var moinsDeHuit: Decimal2?
        /// Share of averages from 8 to below 12, in %.
        public var huitADouze: Decimal2?
        /// Share of averages of 12 and above, in %.
        public var douzeEtPlus: Decimal2?
    }

    /// One `<evaluation>`: a discipline of a school year.
    public struct Evaluation: Sendable {
        /// BCN code matière (6 digits).
        public var codeMatiere: String
        /// How the pupil takes it.
        public var modalite: ModaliteElection
        /// The date of the appreciation, when given.
        public var date: String?
        /// The line of its start tag.
        public var line: Int
        /// The group statistics, when given.
        public var structure: Structure?
        /// The annual appreciation, when given.
        public var annuelle: String?
        /// (numero, moyenne; nil for `-1`).
        public var periodes: [(numero: Int, moyenne: Decimal2?)]
        /// Competency codes and levels, in file order.
        public var competences: [(code: String, niveau: String)]
        /// The teachers.
        public var enseignants: [Personne]
    }

    /// The file's name, as messages give it.
    public var fileName: String
    /// The UAI in `<entete><etablissement>`, when present.
    public var etablissement: String?
    /// The line of `<entete><etablissement>` (1 when absent).
    public var etablissementLine: Int
    /// The pupils, in file order.
    public var eleves: [Eleve]
    /// Errors found while reading that do not stop the reading (all are reported together).
    public var errors: [ImportIssue] = []
    var source: SourceText?
}
