/// Why a canonical document was refused: every problem found, each naming the field.
public struct DocumentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the document came from (`-` for standard input).
    public var source: String
    /// Every problem found, in the order of the checks.
    public var problems: [Problem]

    /// One problem: the field concerned and what is wrong with it.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// A JSON path such as `scolarites[0].evaluations[2].periodes[1].moyenne`.
        public var field: String
        /// What is wrong, in plain words.
        public var message: String

        /// A problem of `field` (empty: the whole document).
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        /// `field: message`, or the message alone for the whole document.
        public var description: String { field.isEmpty ? message : "\(field): \(message)" }
    }

    /// The problems of the document read from `source`.
    public init(source: String, problems: [Problem]) {
        self.source = source
        self.problems = problems
    }

    /// One line per problem, each starting with the source: `file: field: message`.
    public var description: String {
        problems.map { "\(source): \($0)" }.joined(separator: "\n")
    }
}
