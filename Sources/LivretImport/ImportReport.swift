import Foundation
import LivretModel

/// `import-report.json`: what an import read and wrote, and every warning (machine-readable).
public struct ImportReport: Codable, Hashable, Sendable {
    /// How many things the import read, made and checked.
    public struct Counts: Codable, Hashable, Sendable {
        /// Pupils in the SIECLE export.
        public var siecleEleves = 0
        /// Pupils in the LSL import file.
        public var lslEleves = 0
        /// Documents made, one per pupil.
        public var documents = 0
        /// School years across all documents.
        public var scolarites = 0
        /// Disciplines across all school years.
        public var evaluations = 0
        /// Group statistics taken from the LSL `structure` elements.
        public var groupBlocksImported = 0
        /// Group statistics computed from the pupils' marks (no `structure` in the file).
        public var groupBlocksComputed = 0
        /// Imported group statistics checked against the pupils' marks.
        public var groupBlocksChecked = 0
        /// Warnings reported.
        public var warnings = 0
        /// Errors found: always 0 in a written report (an import with errors writes nothing).
        public var errors = 0
    }

    /// `ok`: a report is written only by an import that succeeded.
    public var status: String
    /// Each input's role (`eleves`, `evaluations`…) → the file name given.
    public var inputs: [String: String]
    /// The lycée's UAI.
    public var etablissement: String?
    /// The school year of the export (first calendar year: 2015 for 2015-2016).
    public var anneeScolaire: Int?
    /// The counts.
    public var counts: Counts
    /// INE → file name of the document written.
    public var documents: [String]
    /// Every warning.
    public var warnings: [ImportIssue]
    /// Every error (empty in a written report).
    public var errors: [ImportIssue]

    /// Canonical bytes: sorted keys, two-space indentation, final newline.
    public func encoded() -> Data {
        (try? CanonicalJSON.encode(self)) ?? Data("{}\n".utf8)
    }
}
