import Foundation
import HTTPTypes
import Hummingbird
import LivretArchive
import LivretModel
import Logging
import NIOCore
import Synchronization

/// The web pages of the service, in French, served by `livret serve` beside the API, with the
/// same roles (``AccessPolicy``), the same pupils in scope and the same journal: a livret opened
/// from a page is read through ``LivretServices/readLivret(ine:format:version:year:principal:address:request:)``,
/// which journals it first.
///
/// Sign-in is a POST of the user's token (never in a URL, never logged) that opens a session
/// (``WebSessionStore``); every form carries a CSRF token and a POST without the right one is
/// answered 403. The pages work without JavaScript; `Public/progression.js` only moves the print
/// run's progress bar as the server's events arrive.
final class WebPages: Sendable {
    let services: LivretServices
    let templates: WebTemplates
    let sessions: WebSessionStore
    /// Pupil names by INE, read from the newest dataset (cached per dataset).
    let names = Mutex<(dataset: String, names: [String: PupilName])>(("", [:]))

    /// A pupil's identity as the pages show it (from the dataset; no mark, no appreciation).
    struct PupilName: Sendable {
        var nom: String
        var division: String?
        var serie: String?
    }

    init(services: LivretServices, templates: WebTemplates, sessions: WebSessionStore? = nil) {
        self.services = services
        self.templates = templates
        self.sessions = sessions ?? WebSessionStore(users: services.users)
    }

    // MARK: responses

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    func html(_ page: some WebPage, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try templates.render(page))))
    }

    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// Whether the browser reached the service over TLS (directly, or through a proxy that says so).
    func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?, request: Request) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    // MARK: sessions and CSRF

    /// The signed-in user of the request: their principal (revoked users have none) and session.
    func signedIn(_ request: Request) async throws -> (principal: Principal, session: WebSessionStore.Session, cookie: String)? {
        guard let cookie = request.cookies[WebSessionStore.cookieName]?.value, cookie.count <= 100 else { return nil }
        let sessions = self.sessions, users = services.users
        let found = try await services.executor.run { () throws -> (WebSessionStore.Session, StoredUser)? in
            guard let session = try sessions.session(cookie: cookie) else { return nil }
            guard let user = try users.user(id: session.userID), user.revoked == nil else {
                try sessions.close(cookie: cookie)
                return nil
            }
            return (session, user)
        }
        guard let (session, user) = found else { return nil }
        return (user.principal, session, cookie)
    }

    /// The signed-in user, or the sign-in page (303) when there is none.
    func requireSignIn(_ request: Request) async throws -> (principal: Principal, session: WebSessionStore.Session, cookie: String) {
        guard let signed = try await signedIn(request) else { throw WebError.signIn }
        return signed
    }

    /// Reads a POSTed form of a signed-in page and checks its CSRF token (403 when wrong).
    func readForm(_ request: inout Request, session: WebSessionStore.Session, limit: Int = 64 * 1024) async throws -> WebForm {
        let form = try await readMultipart(&request, limit: limit)
        guard WebSessionStore.isValid(csrf: form.value("csrf"), for: session) else { throw WebError.csrf }
        return form
    }

    /// Reads a POSTed form of a public page and checks its pre-session CSRF token (403 when wrong).
    func readPublicForm(_ request: inout Request, limit: Int) async throws -> WebForm {
        let form = try await readMultipart(&request, limit: limit)
        let cookie = request.cookies[WebSessionStore.preSessionCookieName]?.value
        if let signed = try await signedIn(request), WebSessionStore.isValid(csrf: form.value("csrf"), for: signed.session) { return form }
        guard sessions.isValid(preSessionToken: form.value("csrf"), cookie: cookie) else { throw WebError.csrf }
        return form
    }

    func readMultipart(_ request: inout Request, limit: Int) async throws -> WebForm {
        do {
            return try await WebForm.read(&request, limit: limit)
        } catch is WebForm.Malformed {
            throw WebError.page(.badRequest, "Formulaire illisible", "Le formulaire envoyé n’a pas pu être lu. Rechargez la page et recommencez.")
        }
    }

    /// The pre-session cookie of the request, or a new one to set; and the token its forms carry.
    func preSession(_ request: Request) -> (token: String, newCookie: Cookie?) {
        if let value = request.cookies[WebSessionStore.preSessionCookieName]?.value, value.count >= 40, value.count <= 64 {
            return (sessions.preSessionToken(cookie: value), nil)
        }
        let value = WebSessionStore.randomToken()
        return (sessions.preSessionToken(cookie: value), cookie(WebSessionStore.preSessionCookieName, value, maxAge: nil, request: request))
    }

    // MARK: chrome

    static func roleName(_ role: Role) -> String {
        switch role {
        case .chef: "chef d’établissement"
        case .secretariat: "secrétariat"
        case .enseignant: "enseignant"
        case .cpe: "CPE"
        case .jury: "jury"
        case .famille: "famille"
        case .archiviste: "archiviste"
        }
    }

    /// The page a role lands on after signing in.
    static func home(_ role: Role) -> String {
        switch role {
        case .chef, .secretariat: "/tableau-de-bord"
        case .enseignant, .cpe: "/eleves"
        case .jury: "/jury/candidats"
        case .famille: "/famille"
        case .archiviste: "/archive"
        }
    }

    static func menu(_ role: Role, current: String) -> [MenuItem] {
        let items: [(String, String)] = switch role {
        case .chef, .secretariat:
            [("/tableau-de-bord", "Tableau de bord"), ("/import", "Import"), ("/tirages/nouveau", "Tirage"), ("/eleves", "Élèves"),
             ("/jury/paquets", "Paquets jury"), ("/utilisateurs", "Utilisateurs")] + (role == .chef ? [("/archive", "Journal")] : [])
        case .enseignant, .cpe: [("/eleves", "Élèves")]
        case .jury: [("/jury/candidats", "Mes candidats")]
        case .famille: [("/famille", "Mon enfant")]
        case .archiviste: [("/archive", "Archive et journal"), ("/jury/paquets", "Paquets jury")]
        }
        return items.map { MenuItem(lien: $0.0, libelle: $0.1, actuel: current == $0.0 || (current.hasPrefix($0.0 + "/") && $0.0 != "/")) }
    }

    func chrome(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String), current: String, avis: [String] = []) -> WebChrome {
        WebChrome(
            session: SessionChrome(
                nom: signed.principal.name, roleLibelle: Self.roleName(signed.principal.role), csrf: signed.session.csrf,
                menu: Self.menu(signed.principal.role, current: current)),
            avis: avis)
    }

    // MARK: words

    static let frenchDate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "d MMMM yyyy 'à' HH'h'mm"
        return formatter
    }()

    /// An ISO 8601 time in French words (Europe/Paris), or the text itself when it is not one.
    static func words(time: String?) -> String {
        guard let time else { return "—" }
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        if let date = parser.date(from: time) { return frenchDate.string(from: date) }
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = parser.date(from: time) { return frenchDate.string(from: date) }
        return time
    }

    static func words(bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) octets" }
        if bytes < 1024 * 1024 { return "\(bytes / 1024) Ko" }
        return String(format: "%.1f Mo", Double(bytes) / 1_048_576).replacingOccurrences(of: ".", with: ",")
    }

    static func words(state: PrintRunJob.State) -> String {
        switch state {
        case .queued: "En attente"
        case .running: "Impression en cours"
        case .done: "Tirage terminé"
        case .failed: "Tirage interrompu"
        }
    }

    static func words(action: String) -> String {
        switch action {
        case "consult": "consultation"
        case "refuse": "refus d’accès"
        default: action
        }
    }

    /// The division of a pupil's latest school year in the archive.
    static func division(_ summary: ObjectSummary) -> String? {
        summary.scolarites.max { $0.year < $1.year }?.division
    }

    // MARK: pupil names

    /// Names, divisions and séries by INE, from the newest dataset (read once per dataset).
    func pupilNames() async -> [String: PupilName] {
        let folder = services.configuration.serviceFolder.appendingPathComponent("datasets")
        let newest = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("ds-") && FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("import-report.json").path) }
            .compactMap { name -> (String, Date)? in
                let attributes = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).appendingPathComponent("import-report.json").path)
                return (attributes?[.modificationDate] as? Date).map { (name, $0) }
            }
            .max { ($0.1, $0.0) < ($1.1, $1.0) }?.0
        guard let newest else { return [:] }
        if let cached = names.withLock({ $0.dataset == newest ? $0.names : nil }) { return cached }
        let dataset = folder.appendingPathComponent(newest)
        let read = (try? await services.executor.run { () throws -> [String: PupilName] in
            var result: [String: PupilName] = [:]
            let files = try FileManager.default.contentsOfDirectory(atPath: dataset.path).filter { $0.hasSuffix(".json") && $0 != "import-report.json" }
            for file in files {
                guard let data = try? Data(contentsOf: dataset.appendingPathComponent(file)),
                      let identity = try? JSONDecoder().decode(DocumentIdentity.self, from: data) else { continue }
                let eleve = identity.eleve
                result[eleve.ine] = PupilName(nom: "\(eleve.nom) \(eleve.prenoms)", division: eleve.division, serie: eleve.serie)
            }
            return result
        }) ?? [:]
        names.withLock { $0 = (newest, read) }
        return read
    }

    /// The identity part of a livret document (the rest is not decoded).
    struct DocumentIdentity: Decodable {
        struct Eleve: Decodable {
            var ine: String
            var nom: String
            var prenoms: String
            var division: String?
            var serie: String?
        }
        var eleve: Eleve
    }
}

/// What a page handler throws: a redirect to the sign-in page, a refused CSRF token, or a page
/// with a status and words.
enum WebError: Error {
    case signIn
    case csrf
    case page(HTTPResponse.Status, String, String)
}
