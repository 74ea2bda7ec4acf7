/// One finding of the OCFL validator: a code of the OCFL 1.1 validation codes (`E092`, `W004`…),
/// where it was found (an object path, `root`, a version), and a sentence saying what is wrong.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// An error (the object or root is not valid) or a warning (`W` codes).
    public enum Severity: String, Sendable, Hashable { case error, warning }

    /// The OCFL validation code, e.g. `E092` or `W004`.
    public var code: String
    /// What is wrong, in a sentence.
    public var message: String
    /// `root` (the root inventory), `v2` (a version), or a path.
    public var location: String
    /// For content problems, the content path in the object (`v1/content/2015-2016/livret.pdf`).
    public var contentPath: String?

    /// `warning` for `W` codes, else `error`.
    public var severity: Severity { code.hasPrefix("W") ? .warning : .error }

    /// A finding from its code, message, location and optional content path.
    public init(code: String, message: String, location: String, contentPath: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.contentPath = contentPath
    }

    /// `[CODE] location: message`.
    public var description: String { "[\(code)] \(location): \(message)" }
}

/// What the validator found in one object directory.
public struct ObjectValidationReport: Sendable {
    /// The object directory validated.
    public var path: String
    /// The id from the root inventory, when it could be read.
    public var id: String?
    /// The head version from the root inventory, when it could be read.
    public var head: String?
    /// The OCFL version the object declares (`1.1`).
    public var specVersion = "1.1"
    /// The root inventory, when it parsed (used to name damaged files by logical path).
    public var inventory: OCFLInventory?
    /// Every finding in the object, errors and warnings.
    public var issues: [ValidationIssue] = []

    /// The findings that make the object invalid.
    public var errors: [ValidationIssue] { issues.filter { $0.severity == .error } }
    /// The findings that are warnings only.
    public var warnings: [ValidationIssue] { issues.filter { $0.severity == .warning } }
    /// Whether the object has no error (warnings allowed).
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
    /// The storage root validated.
    public var path: String
    /// Storage-root-level issues (declaration, layout, hierarchy).
    public var issues: [ValidationIssue] = []
    /// What was found in each object, in the order of the storage hierarchy.
    public var objects: [ObjectValidationReport] = []

    /// A report of the root at `path`.
    public init(path: String, issues: [ValidationIssue] = [], objects: [ObjectValidationReport] = []) {
        self.path = path
        self.issues = issues
        self.objects = objects
    }

    /// Errors of the root and of every object.
    public var errorCount: Int { issues.filter { $0.severity == .error }.count + objects.reduce(0) { $0 + $1.errors.count } }
    /// Warnings of the root and of every object.
    public var warningCount: Int { issues.filter { $0.severity == .warning }.count + objects.reduce(0) { $0 + $1.warnings.count } }
    /// Whether neither the root nor any object has an error.
    public var isValid: Bool { errorCount == 0 }
}
