import Foundation
import HTTPTypes
import Hummingbird
import LivretArchive
import LivretModel
import LivretPipeline
import Logging
import NIOCore

extension WebPages {
    /// Adds the pages, the stylesheet and the script to `router`.
    func addRoutes(to router: Router<LivretRequestContext>) {
        for (name, type) in [("livret.css", "text/css; charset=utf-8"), ("progression.js", "text/javascript; charset=utf-8")] {
            let url = templates.publicDirectory.appendingPathComponent(name)
            router.get("/static/\(name)") { [self] _, _ -> Response in
                let data = try await services.executor.run { try Data(contentsOf: url) }
                var headers = Self.securityHeaders
                headers[.contentType] = type
                headers[.cacheControl] = "max-age=300"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        let pages = router.group().add(middleware: WebErrorMiddleware(pages: self))
        addSessionRoutes(to: pages)
        addSecretariatRoutes(to: pages)
        addPrintRunRoutes(to: pages)
        addPupilRoutes(to: pages)
        addStubRoutes(to: pages)
        addOtherRoleRoutes(to: pages)
        addVerifyRoutes(to: pages)
    }

    // MARK: sign-in, sign-out

    func signInPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let pre = preSession(request)
        let page = SignInPage(
            chrome: WebChrome(session: nil), csrf: pre.token, erreurJeton: error,
            resume: error.map { ErrorSummary.of([ErrorSummary.Item(champ: "jeton", texte: "Jeton personnel : \($0)")], preventing: "la connexion") } ?? nil)
        var response = try html(page, status: status)
        if let cookie = pre.newCookie { response.setCookie(cookie) }
        return response
    }

    func addSessionRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/") { [self] request, _ -> Response in
            guard let signed = try await signedIn(request) else { return Self.redirect("/connexion") }
            return Self.redirect(Self.home(signed.principal.role))
        }
        router.get("/connexion") { [self] request, _ -> Response in
            if let signed = try await signedIn(request) { return Self.redirect(Self.home(signed.principal.role)) }
            return try signInPage(request)
        }
        router.post("/connexion") { [self] request, context -> Response in
            var request = request
            let form = try await readPublicForm(&request, limit: 16 * 1024)
            guard let token = form.value("jeton") else {
                return try signInPage(request, error: "saisissez votre jeton.", status: .unprocessableContent)
            }
            guard token.count <= 200, let principal = try await services.principal(token: token) else {
                services.logger.info("web.signin.refused", metadata: ["address": "\(context.address ?? "-")"])
                return try signInPage(request, error: "ce jeton est refusé (inconnu ou révoqué).", status: .unprocessableContent)
            }
            let old = request.cookies[WebSessionStore.cookieName]?.value
            let sessions = self.sessions
            let opened = try await services.executor.run { () throws -> WebSessionStore.Opened in
                if let old { try sessions.close(cookie: old) }
                return try sessions.open(userID: principal.id)
            }
            services.logger.info("web.signin", metadata: ["user": "\(principal.id)", "role": "\(principal.role.rawValue)"])
            var response = Self.redirect(Self.home(principal.role))
            response.setCookie(cookie(WebSessionStore.cookieName, opened.cookie, maxAge: Int(sessions.absoluteTimeout), request: request))
            return response
        }
        router.post("/deconnexion") { [self] request, _ -> Response in
            var request = request
            let signed = try await requireSignIn(request)
            _ = try await readForm(&request, session: signed.session)
            let sessions = self.sessions
            try await services.executor.run { try sessions.close(cookie: signed.cookie) }
            var response = Self.redirect("/connexion")
            response.setCookie(cookie(WebSessionStore.cookieName, "", maxAge: 0, request: request))
            return response
        }
    }

    // MARK: helpers for the role pages

    /// The signed-in user, allowed `capability` (403 page otherwise, journaled by the policy's caller).
    func require(_ capability: AccessPolicy.Capability, _ request: Request, _ context: LivretRequestContext)
        async throws -> (principal: Principal, session: WebSessionStore.Session, cookie: String, context: LivretRequestContext) {
        let signed = try await requireSignIn(request)
        var context = context
        context.principal = signed.principal
        try await services.authorize(capability, request, context)
        return (signed.principal, signed.session, signed.cookie, context)
    }

    func addPupilRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/eleves") { [self] request, context -> Response in
            let signed = try await require(.listPupils, request, context)
            let division = request.uri.queryParameters.get("division").flatMap { $0.isEmpty ? nil : $0 }
            if let division, !UserStore.isCode(division) { throw WebError.page(.badRequest, "Division inconnue", "Ce code de division n’est pas valide.") }
            let all = try await services.pupils(ObjectFilter(), principal: signed.principal)
            let names = await pupilNames()
            let divisions = Set(all.compactMap { Self.division($0) }).sorted()
            let shown = all.filter { division == nil || Self.division($0) == division }
            let rows = shown.compactMap { summary -> PupilsPage.Row? in
                guard let ine = summary.ine else { return nil }
                return PupilsPage.Row(ine: ine, nom: names[ine]?.nom ?? ine, division: Self.division(summary) ?? "—",
                                      versions: Int(summary.head.dropFirst()) ?? 0)
            }.sorted { ($0.division, $0.nom) < ($1.division, $1.nom) }
            return try html(PupilsPage(
                chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/eleves"), division: division,
                divisions: divisions.map { .init(code: $0, choisie: $0 == division) }, nombre: rows.count, eleves: rows))
        }

        router.get("/eleves/:ine") { [self] request, context -> Response in
            let signed = try await require(.readLivret, request, context)
            let ine = try context.parameters.require("ine")
            let summary = try await services.visiblePupil(ine, principal: signed.principal, address: context.address, request: LivretServices.requestLine(request))
            return try await pupilPage((signed.principal, signed.session, signed.cookie), ine: ine, summary: summary, errors: [:])
        }

        // A returned stub's scan: StubRecorder's checks (as `livret receipt record`), refusals next to the field.
        router.post("/eleves/:ine/talon") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.recordStub, request, context)
            let ine = try context.parameters.require("ine")
            let summary = try await services.visiblePupil(ine, principal: signed.principal, address: context.address, request: LivretServices.requestLine(request))
            let form = try await readForm(&request, session: signed.session, limit: services.configuration.maxScanBytes + 64 * 1024)
            let principal = (signed.principal, signed.session, signed.cookie)
            guard let file = form.files["talon"], !file.data.isEmpty else {
                return try await pupilPage(principal, ine: ine, summary: summary, errors: ["talon": ["déposez le scan du talon signé (PDF, PNG ou JPEG)."]],
                                           status: .unprocessableContent)
            }
            do {
                _ = try await services.recordStub(ine: ine, scan: file.data, actor: signed.principal.journalName)
            } catch let refusal as StubRecorder.Refusal {
                let reason = Self.words(refusal: refusal, names: await pupilNames())
                return try await pupilPage(principal, ine: ine, summary: summary,
                                           errors: ["talon": ["talon refusé, rien n’a été archivé. \(reason.prefix(1).uppercased())\(reason.dropFirst())"]],
                                           status: .unprocessableContent)
            } catch let problem as Problem where problem.status == .unprocessableContent {
                // The archive, the journal or the archived livret the stub is checked against failed; the
                // error is not shown (a document's problems may quote its values, marks included).
                services.logger.error("web.stub.unchecked", metadata: ["ine": "\(ine)"])
                return try await pupilPage(principal, ine: ine, summary: summary,
                                           errors: ["talon": ["talon non enregistré, rien n’a été archivé : le service n’a pas pu le vérifier ni l’archiver (le livret archivé ou le journal ne se relit pas). Signalez-le à l’administrateur du service."]],
                                           status: .unprocessableContent)
            }
            return Self.redirect("/eleves/\(ine)")
        }

        // A livret opened from a page: through the service's own read, journaled before it is sent.
        router.get("/eleves/:ine/livret.pdf") { [self] request, context -> Response in
            let signed = try await require(.readLivret, request, context)
            let ine = try context.parameters.require("ine")
            let read = try await services.readLivret(
                ine: ine, format: "pdf", version: request.uri.queryParameters.get("version"), year: nil, principal: signed.principal,
                address: context.address, request: LivretServices.requestLine(request))
            var headers = Self.securityHeaders
            headers[.contentType] = "application/pdf"
            headers[.contentDisposition] = "attachment; filename=\"livret-\(ine)-\(read.year)-\(read.version).pdf\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: read.data)))
        }
    }

    func addOtherRoleRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/jury/candidats") { [self] request, context -> Response in
            let signed = try await require(.juryCandidates, request, context)
            let pupils = try await services.pupils(ObjectFilter(), principal: signed.principal)
            let names = await pupilNames()
            let rows = pupils.compactMap { summary -> JuryCandidatesPage.Row? in
                guard let ine = summary.ine else { return nil }
                return JuryCandidatesPage.Row(
                    nom: names[ine]?.nom ?? ine, division: Self.division(summary) ?? "—", serie: names[ine]?.serie ?? "—",
                    lien: "/eleves/\(ine)/livret.pdf")
            }.sorted { ($0.division, $0.nom) < ($1.division, $1.nom) }
            return try html(JuryCandidatesPage(
                chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/jury/candidats"),
                centre: signed.principal.scope.centre ?? "—", session: signed.principal.scope.session ?? "—", nombre: rows.count, candidats: rows))
        }

        router.get("/famille") { [self] request, context -> Response in
            let signed = try await require(.readLivret, request, context)
            guard signed.principal.role == .famille else { return Self.redirect(Self.home(signed.principal.role)) }
            let pupils = try await services.pupils(ObjectFilter(), principal: signed.principal)
            let names = await pupilNames()
            let archive = services.archive
            var children: [FamilyPage.Child] = []
            for summary in pupils {
                guard let ine = summary.ine else { continue }
                let inventory = try await services.executor.run { try archive.inventory(ine: ine) }
                let livrets = Archive.history(inventory).reversed().compactMap { info -> FamilyPage.Livret? in
                    guard inventory.logicalPaths(in: info.name).keys.contains(where: { $0.hasSuffix("/livret.pdf") }) else { return nil }
                    return FamilyPage.Livret(version: info.name, date: Self.words(time: info.created), lien: "/eleves/\(ine)/livret.pdf?version=\(info.name)")
                }
                children.append(FamilyPage.Child(
                    ine: ine, nom: names[ine]?.nom ?? ine, division: Self.division(summary) ?? "—", livrets: livrets,
                    recepisses: try await services.receipts(ine: ine, division: nil).rows()))
            }
            return try html(FamilyPage(chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/famille"), enfants: children))
        }

        router.get("/archive") { [self] request, context -> Response in
            let signed = try await require(.journal, request, context)
            return try await archivistPage(signed: (signed.principal, signed.session, signed.cookie), verification: nil)
        }

        router.post("/archive/verifier") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.journal, request, context)
            _ = try await readForm(&request, session: signed.session)
            let archive = services.archive
            let report = try await services.executor.run { try archive.verify() }
            let errors = report.issues.filter { $0.severity == .error } + report.objects.flatMap { $0.issues.filter { $0.severity == .error } }
            let verification = ArchivistPage.Verification(
                saine: errors.isEmpty,
                titre: errors.isEmpty ? "Archive intacte" : "\(errors.count) anomalie(s) dans l’archive",
                lines: errors.isEmpty ? ["\(report.objects.count) objets vérifiés : chaque fichier a l’empreinte inscrite dans son inventaire."]
                    : errors.prefix(50).map(\.description))
            return try await archivistPage(signed: (signed.principal, signed.session, signed.cookie), verification: verification)
        }
    }

    func archivistPage(signed: (Principal, WebSessionStore.Session, String), verification: ArchivistPage.Verification?) async throws -> Response {
        let journal = Journal(home: services.configuration.home)
        let (entries, report) = try await services.executor.run { () throws -> ([JournalEntry], Journal.Report?) in
            guard FileManager.default.fileExists(atPath: journal.url.path) else { return ([], nil) }
            return (try journal.entries(), try journal.verify())
        }
        let state = report.map { report in
            report.problem.map { "Journal altéré : \($0)" }
                ?? "Journal intègre : \(report.count) entrées chaînées\(report.head.map { ", tête \($0.short)" } ?? "")."
        } ?? "Le journal est vide."
        let rows = entries.suffix(100).reversed().map { entry in
            ArchivistPage.JournalRow(
                numero: entry.seq, date: Self.words(time: entry.time), acteur: entry.actor, role: entry.role ?? "—",
                action: Self.words(action: entry.action), ine: entry.ine ?? "—", version: entry.version ?? "—")
        }
        return try html(ArchivistPage(
            chrome: chrome(signed, current: "/archive"), csrf: signed.1.csrf, verification: verification, etatJournal: state,
            nombre: rows.count, entrees: rows))
    }
}

extension ArchivistPage.Verification {
    init(saine: Bool, titre: String, lines: [String]) {
        self.init(saine: saine, titre: titre, lignes: lines)
    }
}

/// Turns what a page handler throws into a page: the sign-in page for a missing session, 403 for a
/// wrong CSRF token or a role that does not allow the page, 404, 413, and 500 (logged, never shown).
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = LivretRequestContext
    let pages: WebPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch WebError.signIn {
            return WebPages.redirect("/connexion")
        } catch WebError.csrf {
            pages.services.logger.info("web.csrf.refused", metadata: ["path": "\(request.uri.path)"])
            return try await page(request, .forbidden, "Formulaire refusé",
                                  "Ce formulaire a expiré ou ne vient pas de ce service. Rechargez la page et recommencez.")
        } catch WebError.page(let status, let title, let message) {
            return try await page(request, status, title, message)
        } catch let problem as Problem {
            switch problem.status {
            case .unauthorized: return WebPages.redirect("/connexion")
            case .forbidden: return try await page(request, .forbidden, "Accès refusé", "Votre rôle ne permet pas d’ouvrir cette page. Le refus est inscrit au journal.")
            case .notFound: return try await page(request, .notFound, "Page introuvable", "Il n’y a rien à cette adresse, ou rien que vous puissiez voir.")
            case .serviceUnavailable: return try await page(request, .serviceUnavailable, "Service indisponible", problem.detail ?? "Réessayez dans un moment.")
            default: return try await page(request, problem.status, "Demande refusée", problem.detail ?? problem.title)
            }
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return try await page(request, .contentTooLarge, "Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée.")
        } catch let error as HTTPError where error.status == .notFound {
            return try await page(request, .notFound, "Page introuvable", "Il n’y a rien à cette adresse, ou rien que vous puissiez voir.")
        } catch {
            pages.services.logger.error("web.failed", metadata: ["path": "\(request.uri.path)", "error": "\(type(of: error))"])
            return try await page(request, .internalServerError, "Erreur interne", "Une erreur interne est survenue ; elle a été consignée.")
        }
    }

    func page(_ request: Request, _ status: HTTPResponse.Status, _ title: String, _ message: String) async throws -> Response {
        let signed = try? await pages.signedIn(request)
        let chrome = signed.map { pages.chrome($0, current: "") } ?? WebChrome(session: nil)
        let home = signed.map { WebPages.home($0.principal.role) } ?? "/connexion"
        return try pages.html(ErrorPage(chrome: chrome, titre: title, message: message, retour: home, retourLibelle: "Retour à l’accueil"), status: status)
    }
}

extension WebPages {
    /// The pupil's page: archived versions, receipts issued and stubs back, the stub upload (chef, secrétariat).
    func pupilPage(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String), ine: String, summary: ObjectSummary,
                   errors: [String: [String]], status: HTTPResponse.Status = .ok) async throws -> Response {
        let archive = services.archive
        let inventory = try await services.executor.run { try archive.inventory(ine: ine) }
        let names = await pupilNames()
        let versions = Archive.history(inventory).reversed().map { info -> PupilPage.Version in
            let hasPDF = inventory.logicalPaths(in: info.name).keys.contains { $0.hasSuffix("/livret.pdf") }
            return PupilPage.Version(
                version: info.name, date: Self.words(time: info.created), auteur: info.user?.name ?? "—",
                message: info.message.map { String($0.split(separator: "\n").first ?? "") } ?? "",
                lien: hasPDF ? "/eleves/\(ine)/livret.pdf?version=\(info.name)" : nil)
        }
        let receipts = try await services.receipts(ine: ine, division: Self.division(summary))
        let mayRecord = services.policy.allows(.recordStub, for: signed.principal)
        // The scans of the stubs back, for the roles that may open them; each receipt row links to its own.
        let stubs = services.policy.allows(.readStub, for: signed.principal) ? Self.stubRows(ArchivedStub.all(in: inventory), ine: ine) : []
        let stubLinks = Dictionary(stubs.map { ($0.version, $0.lien) }, uniquingKeysWith: { first, _ in first })
        let fields: [FormField] = mayRecord ? [
            .file(id: "talon", libelle: "Talon signé revenu (scan)", aide: "PDF, PNG ou JPEG, 20 Mo au plus : son QR code est lu et comparé au livret remis.",
                  accept: "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg", erreurs: errors["talon"] ?? []),
        ] : []
        let page = PupilPage(
            chrome: chrome(signed, current: "/eleves"), csrf: signed.session.csrf,
            resume: ErrorSummary.of(fields.flatMap(\.summaryItems), preventing: "l’enregistrement du talon"),
            ine: ine, nom: names[ine]?.nom ?? ine, division: Self.division(summary) ?? "—", serie: names[ine]?.serie,
            versions: versions, recepisses: receipts.rows(stubLinks: stubLinks), talons: stubs, peutDeposer: mayRecord, champs: fields)
        return try html(page, status: status)
    }
}
