import Foundation
import Hummingbird
import HummingbirdTesting
import LivretServer
import Testing

/// The web pages' sessions, kept in `users.sqlite` as the SHA-256 of their id: they survive a new
/// server on the same archive home, the database never holds the cookie's value, a revocation
/// or a sign-out ends them at once.
@Suite(.serialized) struct WebSessionTests {
    @Test func aSessionSurvivesARestartAndTheDatabaseHoldsNoCookie() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let first = try await buildApplication(configuration: fixture.configuration)
        let (cookie, csrf) = try await first.test(.router) { client -> (String, String) in
            var web = WebClient(client: client)
            try await web.signIn(fixture.tokens["secretariat"]!)
            let page = try await web.get("/eleves")
            #expect(page.status == .ok)
            return (try #require(web.session), try #require(WebClient.csrf(in: String(buffer: page.body))))
        }
        // Only the id's SHA-256 is stored: neither the cookie's value nor the CSRF token derived from it.
        let database = try Data(contentsOf: fixture.home.appendingPathComponent(UserStore.fileName))
        #expect(database.range(of: Data(cookie.utf8)) == nil, "the cookie's value is in users.sqlite")
        #expect(database.range(of: Data(csrf.utf8)) == nil, "the CSRF token is in users.sqlite")
        #expect(database.range(of: Data(UserStore.digest(cookie).utf8)) != nil, "the session's digest is not in users.sqlite")

        // A new server on the same home: the same session, the same CSRF token, forms accepted.
        let second = try await buildApplication(configuration: fixture.configuration)
        try await second.test(.router) { client in
            let web = WebClient(client: client, session: cookie)
            let page = try await web.get("/eleves")
            #expect(page.status == .ok, "the session did not survive: \(page.status) \(page.headers[.location] ?? "")")
            #expect(WebClient.csrf(in: String(buffer: page.body)) == csrf)
            let sessions = WebSessionStore(users: try UserStore(home: fixture.home))
            #expect(try sessions.count() == 1)
            // Sign-out (a form with the token) deletes the row; the cookie then leads to the sign-in page.
            let out = try await web.post("/deconnexion", csrf: csrf)
            #expect(out.status == .seeOther && out.headers[.location] == "/connexion")
            #expect(try sessions.count() == 0)
            let after = try await web.get("/eleves")
            #expect(after.status == .seeOther && after.headers[.location] == "/connexion")
        }
    }

    @Test func revocationEndsTheSessionsAtOnce() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            var family = WebClient(client: client)
            try await family.signIn(fixture.tokens["famille"]!)
            var teacher = WebClient(client: client)
            try await teacher.signIn(fixture.tokens["enseignant"]!)
            #expect(try await family.get("/famille").status == .ok)
            let store = try UserStore(home: fixture.home)
            let sessions = WebSessionStore(users: store)
            #expect(try sessions.count() == 2)
            // `livret users revoke` (another process's store on the same file) ends the family's session, not the teacher's.
            let familyUser = try #require(try store.list().first { $0.role == .famille })
            _ = try store.revoke(String(familyUser.id!))
            #expect(try sessions.count() == 1)
            let after = try await family.get("/famille")
            #expect(after.status == .seeOther && after.headers[.location] == "/connexion")
            #expect(try await teacher.get("/eleves").status == .ok)
            // Revoked from the users page: the teacher's session ends too.
            var secretariat = WebClient(client: client)
            try await secretariat.signIn(fixture.tokens["secretariat"]!)
            let users = try await secretariat.get("/utilisateurs")
            let csrf = try #require(WebClient.csrf(in: String(buffer: users.body)))
            let teacherUser = try #require(try store.list().first { $0.role == .enseignant })
            let revoked = try await secretariat.post("/utilisateurs/revoquer", csrf: csrf, fields: [("utilisateur", String(teacherUser.id!))])
            #expect(revoked.status == .ok, "\(revoked.status)")
            #expect(try await teacher.get("/eleves").headers[.location] == "/connexion")
            #expect(try sessions.count() == 1)
        }
    }

    @Test func anExpiredSessionIsRefusedAndRemoved() throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let store = try UserStore(home: fixture.home)
        let sessions = WebSessionStore(users: store, idleTimeout: 60, absoluteTimeout: 600)
        let user = try #require(try store.list().first).id!
        let start = Date(timeIntervalSince1970: 2_000_000_000)
        let opened = try sessions.open(userID: user, now: start)
        // Used within the idle time, again and again: alive until the absolute limit.
        for minutes in stride(from: 0.5, through: 9.5, by: 0.5) {
            #expect(try sessions.session(cookie: opened.cookie, now: start.addingTimeInterval(minutes * 60))?.csrf == opened.session.csrf, "\(minutes)")
        }
        #expect(try sessions.session(cookie: opened.cookie, now: start.addingTimeInterval(601)) == nil)
        let idle = try sessions.open(userID: user, now: start)
        #expect(try sessions.session(cookie: idle.cookie, now: start.addingTimeInterval(61)) == nil)
        #expect(try sessions.count(now: start) == 0, "expired rows are deleted when found")
        #expect(try sessions.session(cookie: "not-a-session", now: start) == nil)
    }
}
