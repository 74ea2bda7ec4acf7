import Foundation

/// Why a jury package could not be made, read or ingested, in plain words.
public struct JuryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure (the CLI maps it to an exit code).
    public enum Code: Sendable, Equatable {
        /// A wrong argument: centre code, session, candidate list.
        case usage
        /// Candidates absent from the archive or not signed (the package was not made).
        case candidates
        /// The package is not complete, not valid or not authentic.
        case refused
        /// No signing key, or it cannot be used.
        case key
        /// Reading or writing failed.
        case io
    }

    /// The kind of failure.
    public var code: Code
    /// The message, naming the file, line or candidate concerned.
    public var message: String
    /// For `.candidates` and `.refused`: each problem on its own line.
    public var details: [String]

    /// An error of kind `code`.
    public init(_ code: Code, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String {
        details.isEmpty ? message : message + "\n" + details.map { "  " + $0 }.joined(separator: "\n")
    }
}
