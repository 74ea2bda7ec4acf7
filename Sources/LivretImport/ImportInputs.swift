import Foundation
import LivretModel

/// The files of one import, already read (the CLI reads them, checking their size first).
public struct ImportInputs: Sendable {
    /// One input file: the name messages use, and its bytes.
    public struct File: Sendable {
        /// The name given in messages (the path the user gave).
        public var name: String
        /// The file's bytes (for a file given by path, read from it at each use; empty if it
        /// cannot be read).
        public var data: Data {
            get {
                guard let path else { return bytes }
                return (try? FileIO.read(path, limit: limit)) ?? Data()
            }
            set {
                bytes = newValue
                path = nil
            }
        }
        /// The regular file the bytes are read from, a chunk at a time where the reader streams
        /// (the LSL file: never all in memory), when the file was given by path.
        public private(set) var path: String?
        /// The most bytes read from `path`.
        public private(set) var limit: Int = FileIO.defaultReadLimit
        private var bytes = Data()

        /// A file from its name and bytes.
        public init(name: String, data: Data) {
            self.name = name
            self.bytes = data
        }

        /// A file read from the regular file `path` when needed, at most `limit` bytes (a longer
        /// file is an error of the import).
        public init(name: String, path: String, limit: Int = FileIO.defaultReadLimit) {
            self.name = name
            self.path = path
            self.limit = limit
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

    /// The inputs of one import; `matieres` is optional.
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
    /// One file per pupil, in INE order.
    public var documents: [LivretDocumentFile]
    /// The report (`import-report.json`).
    public var report: ImportReport
}

/// A document and the bytes to write for it.
public struct LivretDocumentFile: Sendable {
    /// `<INE>.json`.
    public var fileName: String
    /// The document's canonical JSON bytes.
    public var data: Data
}
