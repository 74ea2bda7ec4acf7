/// What `livret` uses of a SIECLE BEE `ElevesSansAdresses.xml` export.
public struct SiecleExport: Sendable {
    /// One `<ELEVE>` of the export.
    public struct Eleve: Sendable {
        /// `ELEVE_ID`, the key the LSL file uses.
        public var eleveId: String
        /// The line of its start tag.
        public var line: Int
        /// `ID_NATIONAL`: the INE, when given.
        public var ine: String?
        /// `NOM_DE_FAMILLE`.
        public var nomDeFamille: String?
        /// `NOM_USAGE`, printed instead of the family name when given.
        public var nomUsage: String?
        /// `PRENOM`, `PRENOM2`, `PRENOM3`, those given.
        public var prenoms: [String]
        /// `YYYY-MM-DD`.
        public var dateNaissance: String?
        /// `CODE_MEF`.
        public var mef: String?
        /// Lines of the elements named in messages.
        public var ineLine: Int
        /// Line of the name elements.
        public var nameLine: Int
        /// Line of `CODE_MEF`.
        public var mefLine: Int
        /// SCOLARITE_AN_DERNIER: the structure and the établissement of the year before.
        public var structureAnDernier: String?
        /// The UAI of the lycée of the year before.
        public var rneAnDernier: String?
    }

    /// A structure (division or group) a pupil belongs to.
    public struct Structure: Sendable, Hashable {
        /// The structure's code, e.g. `TS2`.
        public var code: String
        /// `D` division, `G` groupe.
        public var type: String
    }

    /// An option a pupil takes.
    public struct Option: Sendable, Hashable {
        /// The BCN code matière.
        public var codeMatiere: String
        /// The modalité election code (`S`, `O`, `F`).
        public var modalite: String
    }

    /// The file's name, as messages give it.
    public var fileName: String
    /// `<PARAMETRES><UAJ>`: the établissement the export comes from.
    public var uai: String?
    /// The line of `<UAJ>`.
    public var uaiLine: Int = 1
    /// `<ANNEE_SCOLAIRE>`: the first calendar year of the school year.
    public var anneeScolaire: Int?
    /// `YYYY-MM-DD`.
    public var dateExport: String?
    /// The pupils, in file order.
    public var eleves: [Eleve]
    /// `ELEVE_ID` → the pupil's structures.
    public var structures: [String: [Structure]]
    /// `ELEVE_ID` → the pupil's options.
    public var options: [String: [Option]]
    /// Errors found while reading that do not stop the reading (all are reported together).
    public var errors: [ImportIssue] = []
    var source: SourceText?

    /// The division (TYPE_STRUCTURE D) of a pupil.
    public func division(of eleveId: String) -> String? {
        structures[eleveId]?.first { $0.type == "D" }?.code
    }

    /// The groups (TYPE_STRUCTURE G) of a pupil.
    public func groups(of eleveId: String) -> [String] {
        structures[eleveId]?.filter { $0.type == "G" }.map(\.code) ?? []
    }
}
