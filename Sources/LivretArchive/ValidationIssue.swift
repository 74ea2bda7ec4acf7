/// One finding of the OCFL validator: a code of the OCFL 1.1 validation codes (`E092`, `W004`…),
/// where it was found (an object path, `root`, a version), and a sentence saying what is wrong.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var code: String
    public var message: String
    /// `root` (the root inventory), `v2` (a version), or a path.
    public var location: String
    /// For content problems, the content path in the object (`v1/content/2015-2016/livret.pdf`).
    public var contentPath: String?

    public var severity: Severity { code.hasPrefix("W") ? .warning : .error }

    public init(code: String, message: String, location: String, contentPath: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.contentPath = contentPath
    }

    public var description: String { "[\(code)] \(location): \(message)" }
}

/// What the validator found in one object directory.
public struct ObjectValidationReport: Sendable {
    /// The object directory validated.
    public var path: String
    /// The id from the root inventory, when it could be read.
    public var id: String?
    public var head: String?
    /// The OCFL version the object declares (`1.1`).
    public var specVersion = "1.1"
    /// The root inventory, when it parsed (used to name damaged files by logical path).
    public var inventory: OCFLInventory?
    public var issues: [ValidationIssue] = []

    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    public var warnings: [ValidationIssue] { issues.filter { $0.severity == .warning } }
    public var isValid: Bool { !issues.contains { $0.severity == .error } }

    /// Every version and logical path whose content is the file at `contentPath`.
    public func logicalReferences(ofContentPath contentPath: String) -> [(version: String, logicalPath: String)] {
        guard let inventory else { return [] }
        guard let digest = inventory.manifest.first(where: { $0.value.contains(contentPath) })?.key else { return [] }
        var result: [(String, String)] = []
        for name in inventory.versionNames {
            for path in inventory.versions[name]?.state[digest] ?? [] { result.append((name, path)) }
        }
        return result
    }
}

/// What the validator found in a storage root.
public struct RootValidationReport: Sendable {
    public var path: String
    /// Storage-root-level issues (declaration, layout, hierarchy).
    public var issues: [ValidationIssue] = []
    public var objects: [ObjectValidationReport] = []

    public init(path: String, issues: [ValidationIssue] = [], objects: [ObjectValidationReport] = []) {
        self.path = path
        self.issues = issues
        self.objects = objects
    }

    public var errorCount: Int { issues.filter { $0.severity == .error }.count + objects.reduce(0) { $0 + $1.errors.count } }
    public var warningCount: Int { issues.filter { $0.severity == .warning }.count + objects.reduce(0) { $0 + $1.warnings.count } }
    public var isValid: Bool { errorCount == 0 }
}
