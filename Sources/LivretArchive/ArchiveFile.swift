import Foundation
import LivretModel

/// A file to put into a pupil's object: its logical path (`2015-2016/livret.pdf`) and its bytes,
/// given in memory or as a file to copy.
public struct ArchiveFile: Sendable {
    /// Where the bytes come from: memory, or a file copied at put time.
    public enum Source: Sendable {
        case data(Data)
        case file(URL)
    }

    /// The path inside the object, e.g. `2015-2016/livret.pdf` (checked by the put).
    public var logicalPath: String
    /// The bytes, or the file holding them.
    public var source: Source

    /// A file whose bytes are `data`.
    public init(logicalPath: String, data: Data) {
        self.logicalPath = logicalPath
        self.source = .data(data)
    }

    /// A file whose bytes are read from `url` when it is put.
    public init(logicalPath: String, contentsOf url: URL) {
        self.logicalPath = logicalPath
        self.source = .file(url)
    }

    /// The longest element of a logical path, in UTF-8 bytes: the longest file name Linux file
    /// systems take (`NAME_MAX`), since each element becomes a directory or file name.
    public static let maxComponentBytes = 255
    /// The longest logical path, in UTF-8 bytes: with the object's own path and `vN/content/` in
    /// front it stays well under `PATH_MAX` (4,096).
    public static let maxPathBytes = 1_024

    /// Whether `path` is a valid OCFL logical path: `/`-separated, no empty, `.` or `..` element,
    /// no leading or trailing `/`, no control character, elements of at most 255 bytes.
    public static func isValidLogicalPath(_ path: String) -> Bool { logicalPathProblem(path) == nil }

    /// Why `path` is not a valid logical path, or nil when it is.
    public static func logicalPathProblem(_ path: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.hasPrefix("/") || path.hasSuffix("/") { return "starts or ends with /" }
        if path.unicodeScalars.contains(where: MessageText.isUnsafe) { return "contains a control character" }
        if path.utf8.count > maxPathBytes { return "is \(path.utf8.count) bytes long, over the limit of \(maxPathBytes)" }
        for element in path.split(separator: "/", omittingEmptySubsequences: false) {
            if element.isEmpty { return "has an empty element (//)" }
            if element == "." || element == ".." { return "has a . or .. element" }
            if element.utf8.count > maxComponentBytes {
                return "has an element of \(element.utf8.count) bytes, over the limit of \(maxComponentBytes) bytes of a file name"
            }
        }
        return nil
    }
}
