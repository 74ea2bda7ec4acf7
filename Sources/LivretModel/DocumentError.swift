/// Why a canonical document was refused: every problem found, each naming the field.
public struct DocumentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file the document came from (`-` for standard input).
    public var source: String
    public var problems: [Problem]

    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// A JSON path such as `scolarites[0].evaluations[2].periodes[1].moyenne`.
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        public var description: String { field.isEmpty ? message : "\(field): \(message)" }
    }

    public init(source: String, problems: [Problem]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        problems.map { "\(source): \($0)" }.joined(separator: "\n")
    }
}
