/// What `livret` uses of a SIECLE BEE `ElevesSansAdresses.xml` export.
public struct SiecleExport: Sendable {
    public struct Eleve: Sendable {
        public var eleveId: String
        public var line: Int
        public var ine: String?
        public var nomDeFamille: String?
        public var nomUsage: String?
        public var prenoms: [String]
        /// `YYYY-MM-DD`.
        public var dateNaissance: String?
        public var mef: String?
        /// Lines of the elements named in messages.
        public var ineLine: Int
        public var nameLine: Int
        public var mefLine: Int
        /// SCOLARITE_AN_DERNIER: the structure and the établissement of the year before.
        public var structureAnDernier: String?
        public var rneAnDernier: String?
    }

    public struct Structure: Sendable, Hashable {
        public var code: String
        /// `D` division, `G` groupe.
        public var type: String
    }

    public struct Option: Sendable, Hashable {
        public var codeMatiere: String
        public var modalite: String
    }

    public var fileName: String
    /// `<PARAMETRES><UAJ>`: the établissement the export comes from.
    public var uai: String?
    public var uaiLine: Int = 1
    public var anneeScolaire: Int?
    /// `YYYY-MM-DD`.
    public var dateExport: String?
    public var eleves: [Eleve]
    public var structures: [String: [Structure]]
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
