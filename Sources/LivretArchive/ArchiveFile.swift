import Foundation

/// A file to put into a pupil's object: its logical path (`2015-2016/livret.pdf`) and its bytes,
/// given in memory or as a file to copy.
public struct ArchiveFile: Sendable {
    public enum Source: Sendable {
        case data(Data)
        case file(URL)
    }

    public var logicalPath: String
    public var source: Source

    public init(logicalPath: String, data: Data) {
        self.logicalPath = logicalPath
        self.source = .data(data)
    }

    public init(logicalPath: String, contentsOf url: URL) {
        self.logicalPath = logicalPath
        self.source = .file(url)
    }

    /// Whether `path` is a valid OCFL logical path: `/`-separated, no empty, `.` or `..` element,
    /// no leading or trailing `/`, no control character.
    public static func isValidLogicalPath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/") else { return false }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return false }
        return !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }
}
