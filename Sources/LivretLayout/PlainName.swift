import Foundation

/// A name that stands for a file inside one folder (a layout in the layouts folder, a font in
/// the fonts folder), checked before it touches a path: a plain file name, never a path.
public enum PlainName {
    /// Why `name` is not a plain file name, or nil when it is: empty, a path separator, `.` or
    /// `..` or any leading dot, a control character, more than 200 bytes.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.contains("/") || name.contains("\\") { return "is not a plain name (it contains a path separator)" }
        if name.hasPrefix(".") { return "is not a plain name (it starts with a dot)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.value == 0x7F }) {
            return "is not a plain name (it contains a control character)"
        }
        if name.utf8.count > 200 { return "is not a plain name (longer than 200 bytes)" }
        return nil
    }

    /// The regular file `fileName` inside `directory`, checked: a plain name, and once links are
    /// followed still a regular file inside `directory` (a link escaping the folder is refused).
    /// Returns the file's URL in `directory`, or why it is refused (nil reason: it does not exist).
    public static func file(_ fileName: String, in directory: URL) -> Result<URL, Refusal> {
        if let problem = problem(fileName) { return .failure(.notPlain(problem)) }
        let url = directory.appendingPathComponent(fileName)
        guard let folder = realPath(directory.path) else { return .failure(.missing) }
        guard let resolved = realPath(url.path) else { return .failure(.missing) }
        guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            return .failure(.outside(resolved))
        }
        var status = stat()
        guard stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegular) }
        return .success(url)
    }

    /// Why a name was refused.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        /// Not a plain file name (the reason in words).
        case notPlain(String)
        /// No such file in the folder.
        case missing
        /// A link that leads out of the folder (to this path).
        case outside(String)
        /// Not a regular file (a folder, a device…).
        case notRegular

        /// In plain words.
        public var description: String {
            switch self {
            case .notPlain(let reason): "the name \(reason)"
            case .missing: "no such file"
            case .outside(let path): "a link leading out of the folder (to \(path))"
            case .notRegular: "not a regular file"
            }
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
