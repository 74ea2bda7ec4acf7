import Foundation

/// The files of one import, already read (the CLI reads them, checking their size first).
public struct ImportInputs: Sendable {
    public struct File: Sendable {
        public var name: String
        public var data: Data

        public init(name: String, data: Data) {
            self.name = name
            self.data = data
        }
    }

    /// SIECLE `ElevesSansAdresses.xml`.
    public var eleves: File
    /// LSL import XML.
    public var evaluations: File
    /// `etablissement.json`.
    public var etablissement: File
    /// `lsl-nomenclatures.xml`.
    public var nomenclature: File
    /// SIECLE `Import_MEF.xml` (BEE_NOMENCLATURES): language and MEF labels. Optional.
    public var matieres: File?

    public init(eleves: File, evaluations: File, etablissement: File, nomenclature: File, matieres: File?) {
        self.eleves = eleves
        self.evaluations = evaluations
        self.etablissement = etablissement
        self.nomenclature = nomenclature
        self.matieres = matieres
    }
}

/// What an import produced: one document per pupil (by INE) and the report.
public struct ImportResult: Sendable {
    public var documents: [LivretDocumentFile]
    public var report: ImportReport
}

/// A document and the bytes to write for it.
public struct LivretDocumentFile: Sendable {
    public var fileName: String
    public var data: Data
}
