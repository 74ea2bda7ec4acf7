import Foundation

/// Who makes a version: a name and an address URI (`mailto:…`) recorded in the inventory.
public struct ArchiveUser: Sendable, Equatable {
    /// The person's name, as recorded in the version's `user.name`.
    public var name: String
    /// An address URI (`mailto:…`), when known.
    public var address: String?

    /// A user from name and optional address URI.
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
