import Crypto
import Foundation
import Synchronization

/// The web pages' sessions: after a sign-in with a bearer token, the browser holds a random session
/// id in a cookie and the server holds only its SHA-256, the user's number, a CSRF token and two
/// times (idle and absolute expiry). The token the user typed is never kept, and a session dies
/// with its user's revocation (the pages look the user up again on every request).
///
/// Forms shown before a sign-in (« Se connecter », « Vérifier un document ») carry a pre-session
/// token: the HMAC, under a key drawn when the server starts, of a random value held in a
/// `SameSite=Strict` cookie, so that another site can neither read nor submit it.
///
/// Sessions live in memory: a restart of the server signs everyone out, which is the safe side.
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
    private let sessions = Mutex<[String: Session]>([:])
    /// The pre-session HMAC key's bytes (SymmetricKey is not Sendable; a fresh one is made from them for each use).
    private let preSessionKeyBytes: Data = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    private var preSessionKey: SymmetricKey { SymmetricKey(data: preSessionKeyBytes) }

    /// The name of the session cookie.
    public static let cookieName = "livret_session"
    /// The name of the pre-session cookie.
    public static let preSessionCookieName = "livret_pre"

    /// A store of sessions.
    /// - Parameters:
    ///   - idleTimeout: seconds of inactivity that close a session (default 30 minutes).
    ///   - absoluteTimeout: seconds after which a session closes anyway (default 10 hours).
    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 10 * 3600) {
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

    static func key(_ cookie: String) -> String {
        SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Opens a session for the user `userID`.
    public func open(userID: Int64, now: Date = Date()) -> Opened {
        let cookie = Self.randomToken()
        let session = Session(userID: userID, csrf: Self.randomToken(), created: now, lastSeen: now)
        sessions.withLock { all in
            all = all.filter { !isExpired($0.value, now: now) }
            all[Self.key(cookie)] = session
        }
        return Opened(cookie: cookie, session: session)
    }

    /// The live session of the cookie value `cookie` (its last use set to `now`), or nil.
    public func session(cookie: String, now: Date = Date()) -> Session? {
        let key = Self.key(cookie)
        return sessions.withLock { all in
            guard var session = all[key] else { return nil }
            if isExpired(session, now: now) {
                all[key] = nil
                return nil
            }
            session.lastSeen = now
            all[key] = session
            return session
        }
    }

    /// Closes the session of the cookie value `cookie`.
    public func close(cookie: String) {
        let key = Self.key(cookie)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    /// Closes every session of the user `userID` (on revocation).
    public func closeAll(userID: Int64) {
        sessions.withLock { all in all = all.filter { $0.value.userID != userID } }
    }

    /// How many sessions are open (expired ones aside).
    public func count(now: Date = Date()) -> Int {
        sessions.withLock { all in all.values.filter { !isExpired($0, now: now) }.count }
    }

    private func isExpired(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) > idleTimeout || now.timeIntervalSince(session.created) > absoluteTimeout
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
