import LivretModel

/// The content of an LSL import file (`urn:ac-grenoble.fr:lsl:import`), checked against the schema.
public struct LSLFile: Sendable {
    public struct Eleve: Sendable {
        public var id: String
        public var line: Int
        public var engagements: Engagements?
        public var avisExamen: CodeAvisExamen?
        public var scolarites: [Scolarite]
    }

    public struct Scolarite: Sendable {
        public var annee: Int
        public var codePeriode: CodePeriode
        public var line: Int
        public var avisEngagement: Avis?
        public var avisInvestissement: Avis?
        public var avisChefEtab: Avis?
        public var evaluations: [Evaluation]
    }

    public struct Structure: Sendable, Hashable {
        public var effectif: Int?
        public var moyenne: Decimal2?
        public var moinsDeHuit: Decimal2?
        public var huitADouze: Decimal2?
        public var douzeEtPlus: Decimal2?
    }

    public struct Evaluation: Sendable {
        public var codeMatiere: String
        public var modalite: ModaliteElection
        public var date: String?
        public var line: Int
        public var structure: Structure?
        public var annuelle: String?
        /// (numero, moyenne; nil for `-1`).
        public var periodes: [(numero: Int, moyenne: Decimal2?)]
        public var competences: [(code: String, niveau: String)]
        public var enseignants: [Personne]
    }

    public var fileName: String
    public var etablissement: String?
    public var etablissementLine: Int
    public var eleves: [Eleve]
    /// Errors found while reading that do not stop the reading (all are reported together).
    public var errors: [ImportIssue] = []
    var source: SourceText?
}
