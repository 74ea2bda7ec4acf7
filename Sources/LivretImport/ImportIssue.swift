/// One problem found while importing: where (file, line, column, field), which pupil, what.
///
/// Messages name the field and the pupil (INE or ELEVE_ID), never a mark or an appreciation.
public struct ImportIssue: Error, Codable, Hashable, Sendable, CustomStringConvertible {
    /// `error` refuses the import; `warning` is reported and kept in the report.
    public enum Severity: String, Codable, Hashable, Sendable {
        case error, warning
    }

    /// Whether the issue refuses the import.
    public var severity: Severity
    /// The input file concerned, as the user named it.
    public var file: String
    /// The line in `file`, when known.
    public var line: Int?
    /// The column in `file`, when known.
    public var column: Int?
    /// The element, attribute or document field concerned (`<DATE_NAISS>`, `periode@moyenne`…).
    public var field: String?
    /// The pupil concerned: INE when known, else `ELEVE_ID 123`.
    public var eleve: String?
    /// What is wrong, in plain words (never a mark or an appreciation).
    public var message: String

    /// An issue of `file`, at `line`/`column` when known, about `field` and the pupil `eleve` when known.
    public init(
        _ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, field: String? = nil,
        eleve: String? = nil, message: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.eleve = eleve
        self.message = message
    }

    /// `file:line:column: field: message (pupil)`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if severity == .warning { text += "warning: " }
        if let field { text += "\(field): " }
        text += message
        if let eleve { text += " (élève \(eleve))" }
        return text
    }
}

/// Why an import was refused: every error found (and the warnings met on the way).
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    /// Every error found.
    public var errors: [ImportIssue]
    /// The warnings met on the way.
    public var warnings: [ImportIssue]

    /// A refusal with these errors and warnings.
    public init(errors: [ImportIssue], warnings: [ImportIssue] = []) {
        self.errors = errors
        self.warnings = warnings
    }

    /// One line per error, as `ImportIssue.description` writes it.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
