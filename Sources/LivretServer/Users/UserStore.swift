import Crypto
import Foundation
import GRDB
import LivretModel

/// A user as stored: name, role, scope and the SHA-256 of their token (never the token).
public struct StoredUser: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    /// The user's number.
    public var id: Int64?
    /// The user's name.
    public var name: String
    /// The user's role.
    public var role: Role
    /// Their divisions, centre, session, dates, children.
    public var scope: Scope
    /// SHA-256 (hex) of the bearer token.
    public var tokenSHA256: String
    /// When the user was created (UTC, ISO 8601).
    public var created: String
    /// When the user was revoked (UTC, ISO 8601); nil while active.
    public var revoked: String?

    /// The principal requests of this user act as.
    public var principal: Principal { Principal(id: id ?? 0, name: name, role: role, scope: scope) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A web session as stored: the SHA-256 of its id (the cookie's value, never stored), its user,
/// and when it was opened and last used (seconds since 1970). A user's rows go with their
/// revocation or deletion.
struct StoredSession: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webSession"
    /// SHA-256 (hex) of the session id.
    var keySHA256: String
    /// The user's number.
    var userID: Int64
    /// When the session was opened.
    var created: Double
    /// When it was last used.
    var lastSeen: Double

    /// The sessions that have expired at `now`.
    static func expired(now: TimeInterval, idle: TimeInterval, absolute: TimeInterval) -> QueryInterfaceRequest<StoredSession> {
        filter(Column("lastSeen") < now - idle || Column("created") < now - absolute)
    }
}

/// Why a user cannot be added or revoked, in words naming the field.
public struct UserStoreError: Error, Sendable, CustomStringConvertible {
    /// The field concerned (`--role`, `--ine`…).
    public var field: String
    /// Why.
    public var reason: String
    /// `field: reason`.
    public var description: String { "\(field): \(reason)" }

    init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// The service's users: `users.sqlite` in the archive home (SQLite through GRDB), apart from the
/// archive's index, which can be rebuilt from the storage root while users cannot. Only the
/// SHA-256 of each bearer token is stored; the token is shown once, when the user is added.
public final class UserStore: Sendable {
    /// The database file.
    public let url: URL
    private let queue: DatabaseQueue

    /// The file's name in the archive home.
    public static let fileName = "users.sqlite"

    /// Opens (creating if needed) the user store of the archive home `home` (created if missing).
    public init(home: URL) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        url = home.appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: url.path, configuration: configuration)
        chmod(url.path, 0o600)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("users-v1") { db in
            try db.create(table: StoredUser.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull()
                table.column("role", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("tokenSHA256", .text).notNull().unique()
                table.column("created", .text).notNull()
                table.column("revoked", .text)
            }
        }
        migrator.registerMigration("web-sessions-v1") { db in
            try db.create(table: StoredSession.databaseTableName) { table in
                table.primaryKey("keySHA256", .text)
                table.column("userID", .integer).notNull().indexed().references(StoredUser.databaseTableName, onDelete: .cascade)
                table.column("created", .double).notNull()
                table.column("lastSeen", .double).notNull()
            }
        }
        try migrator.migrate(queue)
    }

    /// A new bearer token: 32 bytes from the system's CSPRNG, base64url without padding (43
    /// characters, 256 bits), prefixed `lvt_`.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "lvt_" + base64
    }

    /// SHA-256 (hex) of a token.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a role's scope: the fields it needs, the identifiers' formats.
    public static func check(role: Role, scope: Scope) throws(UserStoreError) {
        for division in scope.divisions where !Self.isCode(division) {
            throw UserStoreError("--division", "\(MessageText.quoted(division)) is not a division code (letters, digits, - _ / . and spaces, at most 32)")
        }
        for ine in scope.ines where Identifiers.ineKind(ine) == nil {
            throw UserStoreError("--ine", "\(MessageText.quoted(ine)) has none of the INE formats")
        }
        for (field, value) in [("--from", scope.from), ("--until", scope.until)] {
            if let value, !LivretDocument.isDate(value) { throw UserStoreError(field, "\(MessageText.quoted(value)) is not a date YYYY-MM-DD") }
        }
        for (field, value) in [("--centre", scope.centre), ("--session", scope.session)] {
            if let value, !Self.isCode(value) { throw UserStoreError(field, "\(MessageText.quoted(value)) is not a code (letters, digits, - _ / . and spaces, at most 32)") }
        }
        switch role {
        case .enseignant where scope.divisions.isEmpty:
            throw UserStoreError("--division", "an enseignant needs at least one division")
        case .jury where scope.centre == nil || scope.session == nil || scope.from == nil || scope.until == nil:
            throw UserStoreError("--centre", "a jury member needs --centre, --session, --from and --until")
        case .jury where scope.from! > scope.until!:
            throw UserStoreError("--until", "\(scope.until!) is before --from \(scope.from!)")
        case .famille where scope.ines.isEmpty:
            throw UserStoreError("--ine", "a famille needs the INE of at least one child")
        default:
            break
        }
    }

    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_/. ".unicodeScalars.contains($0)) && !$0.properties.isDefaultIgnorableCodePoint
        }
    }

    /// Adds a user; returns them and their token (to show once: it is not stored).
    public func add(name: String, role: Role, scope: Scope = Scope(), now: Date = Date()) throws -> (user: StoredUser, token: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw UserStoreError("--name", "a name of 1 to 200 characters, without control characters")
        }
        try Self.check(role: role, scope: scope)
        let token = Self.newToken()
        var user = StoredUser(
            id: nil, name: trimmed, role: role, scope: scope, tokenSHA256: Self.digest(token), created: Self.timestamp(now), revoked: nil)
        try queue.write { db in try user.insert(db) }
        return (user, token)
    }

    /// Every user, active or revoked, by number.
    public func list() throws -> [StoredUser] {
        try queue.read { db in try StoredUser.order(Column("id")).fetchAll(db) }
    }

    /// The active user holding `token`, if any.
    public func user(token: String) throws -> StoredUser? {
        let digest = Self.digest(token)
        return try queue.read { db in
            try StoredUser.filter(Column("tokenSHA256") == digest).filter(Column("revoked") == nil).fetchOne(db)
        }
    }

    /// The user numbered `id`, if any.
    public func user(id: Int64) throws -> StoredUser? {
        try queue.read { db in try StoredUser.fetchOne(db, key: id) }
    }

    /// Revokes the user named by number or by name (refused when the name is ambiguous); returns them.
    public func revoke(_ reference: String, now: Date = Date()) throws -> StoredUser {
        try queue.write { db in
            var matches: [StoredUser]
            if let id = Int64(reference) {
                matches = try StoredUser.filter(Column("id") == id).fetchAll(db)
            } else {
                matches = try StoredUser.filter(Column("name") == reference).filter(Column("revoked") == nil).fetchAll(db)
            }
            guard var user = matches.first else { throw UserStoreError("user", "no active user \(MessageText.quoted(reference))") }
            guard matches.count == 1 else {
                throw UserStoreError("user", "\(matches.count) active users are named \(MessageText.quoted(reference)): give the number (users ls)")
            }
            guard user.revoked == nil else { throw UserStoreError("user", "user #\(user.id ?? 0) was already revoked on \(user.revoked!)") }
            user.revoked = Self.timestamp(now)
            try user.update(db)
            // Their web sessions end with them.
            try StoredSession.filter(Column("userID") == user.id).deleteAll(db)
            return user
        }
    }

    // MARK: web sessions (``WebSessionStore``'s rows)

    /// Stores a new session, removing the expired ones.
    func insertSession(_ session: StoredSession, idle: TimeInterval, absolute: TimeInterval) throws {
        try queue.write { db in
            try StoredSession.expired(now: session.created, idle: idle, absolute: absolute).deleteAll(db)
            try session.insert(db)
        }
    }

    /// The live session whose id hashes to `key`, its last use moved to `now` when it is more than
    /// `granularity` seconds old (fewer writes); nil, and the row deleted, when it has expired or
    /// its user is revoked or gone.
    func liveSession(key: String, now: TimeInterval, idle: TimeInterval, absolute: TimeInterval, granularity: TimeInterval = 60) throws -> StoredSession? {
        let found = try queue.read { db -> (StoredSession, Bool)? in
            guard let session = try StoredSession.fetchOne(db, key: key) else { return nil }
            let active = try StoredUser.filter(key: session.userID).filter(Column("revoked") == nil).fetchCount(db) == 1
            return (session, active)
        }
        guard let found else { return nil }
        var session = found.0
        let expired = now - session.lastSeen > idle || now - session.created > absolute
        if expired || !found.1 {
            _ = try queue.write { db in try StoredSession.deleteOne(db, key: key) }
            return nil
        }
        if now - session.lastSeen > granularity {
            session.lastSeen = now
            try queue.write { db in try session.update(db) }
        }
        return session
    }

    /// Deletes the session whose id hashes to `key`.
    func deleteSession(key: String) throws {
        _ = try queue.write { db in try StoredSession.deleteOne(db, key: key) }
    }

    /// How many sessions are live at `now`.
    func countSessions(now: TimeInterval, idle: TimeInterval, absolute: TimeInterval) throws -> Int {
        try queue.read { db in
            try StoredSession.fetchCount(db) - StoredSession.expired(now: now, idle: idle, absolute: absolute).fetchCount(db)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
