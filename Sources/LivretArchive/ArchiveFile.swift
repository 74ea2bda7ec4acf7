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

/// Who makes a version: a name and an address URI (`mailto:…`) recorded in the inventory.
public struct ArchiveUser: Sendable, Equatable {
    public var name: String
    public var address: String?

    public init(name: String, address: String?) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <address>` or `Name`; an address without a URI scheme becomes `mailto:`.
    public init(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            let raw = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            address = Self.uri(raw)
        } else {
            name = trimmed
            address = nil
        }
    }

    static func uri(_ raw: String) -> String {
        if raw.range(of: #"^[A-Za-z][A-Za-z0-9+.\-]*:"#, options: .regularExpression) != nil { return raw }
        return "mailto:" + raw
    }

    /// The user running this process: `LIVRET_USER` (`Name <address>`) if set, else the login name
    /// with `mailto:login@hostname` (a local mailbox), so that every version has an address.
    public static var current: ArchiveUser {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["LIVRET_USER"], !text.isEmpty {
            var user = ArchiveUser(parsing: text)
            if user.address == nil { user.address = "mailto:\(user.name.replacingOccurrences(of: " ", with: "."))@\(ProcessInfo.processInfo.hostName)" }
            return user
        }
        let login = environment["USER"] ?? environment["LOGNAME"] ?? "livret"
        return ArchiveUser(name: login, address: "mailto:\(login)@\(ProcessInfo.processInfo.hostName)")
    }
}

/// Division and school year a put is about, when the caller knows them (recorded in the version
/// message as `livret-division:` / `livret-year:` trailer lines, so `reindex` finds them again).
public struct ArchiveMetadata: Sendable, Equatable {
    public var division: String?
    /// `2015-2016` (a bare `2015` is read as 2015-2016).
    public var year: String?

    public init(division: String? = nil, year: String? = nil) {
        self.division = division
        self.year = year.map(ArchiveMetadata.normalizeYear)
    }

    /// `2015` → `2015-2016`; `2015-2016` unchanged.
    public static func normalizeYear(_ year: String) -> String {
        if let first = Int(year), year.count == 4 { return "\(first)-\(first + 1)" }
        return year
    }
}

/// What a put did.
public enum PutResult: Sendable, Equatable, CustomStringConvertible {
    /// A new version was published.
    case created(version: String)
    /// Every file was byte-identical to the head: no new version; the head is given.
    case unchanged(head: String)

    public var version: String {
        switch self {
        case .created(let version), .unchanged(let version): return version
        }
    }

    public var description: String {
        switch self {
        case .created(let version): return "created \(version)"
        case .unchanged(let head): return "unchanged \(head)"
        }
    }
}
