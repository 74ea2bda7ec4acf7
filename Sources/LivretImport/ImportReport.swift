import Foundation
import LivretModel

/// `import-report.json`: what an import read and wrote, and every warning (machine-readable).
public struct ImportReport: Codable, Hashable, Sendable {
    public struct Counts: Codable, Hashable, Sendable {
        public var siecleEleves = 0
        public var lslEleves = 0
        public var documents = 0
        public var scolarites = 0
        public var evaluations = 0
        public var groupBlocksImported = 0
        public var groupBlocksComputed = 0
        public var groupBlocksChecked = 0
        public var warnings = 0
        public var errors = 0
    }

    public var status: String
    public var inputs: [String: String]
    public var etablissement: String?
    public var anneeScolaire: Int?
    public var counts: Counts
    /// INE → file name of the document written.
    public var documents: [String]
    public var warnings: [ImportIssue]
    public var errors: [ImportIssue]

    /// Canonical bytes: sorted keys, two-space indentation, final newline.
    public func encoded() -> Data {
        (try? CanonicalJSON.encode(self)) ?? Data("{}\n".utf8)
    }
}
