import Crypto
import Foundation

/// The web pages' sessions: after a sign-in with a bearer token, the browser holds a random session
/// id in a cookie and the server keeps, in the user store's database (`users.sqlite`), only its
/// SHA-256, the user's number and two times (idle and absolute expiry): sessions survive a restart
/// of the service, and whoever reads the database cannot take one over. The CSRF token of a
/// session is the HMAC of a fixed label under the session id, so it is not stored either and is
/// the same after a restart. The token the user typed is never kept; a session dies with its
/// user's revocation (``UserStore/revoke(_:now:)`` deletes their rows, and the pages look the user
/// up again on every request).
///
/// Forms shown before a sign-in (« Se connecter », « Vérifier un document ») carry a pre-session
/// token: the HMAC, under a key drawn when the server starts, of a random value held in a
/// `SameSite=Strict` cookie, so that another site can neither read nor submit it (a form left
/// open across a restart is refused once, and shown again).
///
/// The methods read and write SQLite: call them off the event loops (the service's executor).
public final class WebSessionStore: Sendable {
    /// A live session.
    public struct Session: Sendable, Equatable {
        /// The user's number in the user store.
        public var userID: Int64
        /// The token every form of the session carries.
        public var csrf: String
        /// When it was opened.
        public var created: Date
        /// When it was last used.
        public var lastSeen: Date
    }

    /// A session just opened: the cookie's value (given to the browser only) and the session.
    public struct Opened: Sendable {
        /// The value of the session cookie.
        public var cookie: String
        /// The session.
        public var session: Session
    }

    /// A session unused for this long is closed.
    public let idleTimeout: TimeInterval
    /// A session is closed this long after the sign-in, used or not.
    public let absoluteTimeout: TimeInterval
    /// Where the sessions are kept.
    private let users: UserStore
    /// The pre-session HMAC key's bytes (SymmetricKey is not Sendable; a fresh one is made from them for each use).
    private let preSessionKeyBytes: Data = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    private var preSessionKey: SymmetricKey { SymmetricKey(data: preSessionKeyBytes) }

    /// The name of the session cookie.
    public static let cookieName = "livret_session"
    /// The name of the pre-session cookie.
    public static let preSessionCookieName = "livret_pre"

    /// The sessions kept in `users`' database.
    /// - Parameters:
    ///   - idleTimeout: seconds of inactivity that close a session (default 30 minutes).
    ///   - absoluteTimeout: seconds after which a session closes anyway (default 10 hours).
    public init(users: UserStore, idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 10 * 3600) {
        self.users = users
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    /// 32 bytes from the system's CSPRNG, base64url without padding (43 characters).
    public static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Self.base64url(Data($0)) }
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The CSRF token of the session whose id is `cookie`: HMAC-SHA256 of a fixed label under the id.
    static func csrf(_ cookie: String) -> String {
        base64url(Data(HMAC<SHA256>.authenticationCode(for: Data("livret-csrf-v1".utf8), using: SymmetricKey(data: Data(cookie.utf8)))))
    }

    /// Opens a session for the user `userID` (and removes the expired ones).
    public func open(userID: Int64, now: Date = Date()) throws -> Opened {
        let cookie = Self.randomToken()
        let time = now.timeIntervalSince1970
        try users.insertSession(StoredSession(keySHA256: UserStore.digest(cookie), userID: userID, created: time, lastSeen: time),
                                idle: idleTimeout, absolute: absoluteTimeout)
        return Opened(cookie: cookie, session: Session(userID: userID, csrf: Self.csrf(cookie), created: now, lastSeen: now))
    }

    /// The live session of the cookie value `cookie` (its last use set to `now`), or nil (expired,
    /// closed, its user revoked).
    public func session(cookie: String, now: Date = Date()) throws -> Session? {
        // The last use is written at most once a minute (a tenth of the idle time when shorter).
        guard let stored = try users.liveSession(
            key: UserStore.digest(cookie), now: now.timeIntervalSince1970, idle: idleTimeout, absolute: absoluteTimeout,
            granularity: min(60, idleTimeout / 10))
        else { return nil }
        return Session(userID: stored.userID, csrf: Self.csrf(cookie), created: Date(timeIntervalSince1970: stored.created), lastSeen: now)
    }

    /// Closes the session of the cookie value `cookie`.
    public func close(cookie: String) throws {
        try users.deleteSession(key: UserStore.digest(cookie))
    }

    /// How many sessions are open (expired ones aside).
    public func count(now: Date = Date()) throws -> Int {
        try users.countSessions(now: now.timeIntervalSince1970, idle: idleTimeout, absolute: absoluteTimeout)
    }

    /// Whether `submitted` is the session's CSRF token (compared in constant time).
    public static func isValid(csrf submitted: String?, for session: Session) -> Bool {
        guard let submitted else { return false }
        return SHA256.hash(data: Data(submitted.utf8)) == SHA256.hash(data: Data(session.csrf.utf8))
    }

    /// The pre-session CSRF token for the pre-session cookie value `cookie`.
    public func preSessionToken(cookie: String) -> String {
        Self.base64url(Data(HMAC<SHA256>.authenticationCode(for: Data(cookie.utf8), using: preSessionKey)))
    }

    /// Whether `submitted` is the pre-session token of the cookie value `cookie`.
    public func isValid(preSessionToken submitted: String?, cookie: String?) -> Bool {
        guard let submitted, let cookie, !cookie.isEmpty else { return false }
        var text = submitted.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let code = Data(base64Encoded: text) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Data(cookie.utf8), using: preSessionKey)
    }
}
