import Foundation
import HTTPTypes
import Hummingbird
import LivretModel
import LivretPipeline
import LivretSign
import NIOCore
import X509

extension WebPages {
    func addPrintRunRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/tirages/nouveau") { [self] request, context -> Response in
            let signed = try await require(.printRun, request, context)
            return try await newPrintRunPage(signed, chosen: [], all: false, simplex: false, receipts: false, date: PrintRunDates.today(), errors: [:])
        }

        router.post("/tirages") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.printRun, request, context)
            let form = try await readForm(&request, session: signed.session, limit: 16 * 1024 * 1024 + 64 * 1024)
            let all = form.value("toutes") != nil
            let chosen = form.values("division")
            let simplex = form.value("recto") != nil
            let receipts = form.value("recepisses") != nil
            let date = form.value("date") ?? PrintRunDates.today()
            var errors: [String: [String]] = [:]
            if !all && chosen.isEmpty { errors["divisions", default: []].append("cochez au moins une division, ou « Toutes les divisions ».") }
            for division in chosen where !UserStore.isCode(division) { errors["divisions", default: []].append("« \(division) » n’est pas un code de division.") }
            if !LivretDocument.isDate(date) { errors["date", default: []].append("une date au format AAAA-MM-JJ.") }
            guard let dataset = services.datasets.list().first, let folder = services.datasets.folder(dataset.id) else {
                throw WebError.page(.conflict, "Rien à imprimer", "Aucun import n’a encore été fait : importez d’abord les fichiers de l’année.")
            }
            guard errors.isEmpty else {
                return try await newPrintRunPage(signed, chosen: Set(chosen), all: all, simplex: simplex, receipts: receipts, date: date, errors: errors,
                                           status: .unprocessableContent)
            }
            let job = try await services.startPrintRun(
                dataset: (dataset.id, folder), divisions: all ? nil : chosen, paperOnly: form.files["refus"]?.data, simplex: simplex, date: date,
                actor: signed.principal.journalName, receipts: receipts)
            return Self.redirect("/tirages/\(job.id)")
        }

        router.get("/tirages/:id") { [self] request, context -> Response in
            let signed = try await require(.printRun, request, context)
            guard let job = services.jobs.job(try context.parameters.require("id")) else { throw Problem(.notFound) }
            let output = services.jobs.outputFolder(job.id)
            let files = job.state == .done ? job.files.map { path -> PrintRunPage.FileRow in
                let size = (try? FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(path).path)[.size] as? Int) ?? 0
                return PrintRunPage.FileRow(nom: path, nature: Self.nature(path), taille: Self.words(bytes: size ?? 0), lien: "/tirages/\(job.id)/fichiers/\(path)")
            } : []
            let failures = job.failures.map { "\($0.ine ?? $0.source) (\($0.division ?? "—")) : \($0.reason)" } + (job.error.map { [$0] } ?? [])
            let page = PrintRunPage(
                chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/tirages/nouveau"), id: job.id,
                etatLibelle: Self.words(state: job.state), faits: job.pupilsDone, total: job.pupilsTotal,
                pagesParSeconde: job.pagesPerSecond > 0 ? String(format: "%.1f", job.pagesPerSecond).replacingOccurrences(of: ".", with: ",") : nil,
                enCours: job.state == .queued || job.state == .running, echecs: failures, fichiers: files)
            return try html(page)
        }

        // The page's progress as server-sent events: `progress` while it runs, then `end`.
        router.get("/tirages/:id/evenements") { [self] request, context -> Response in
            _ = try await require(.printRun, request, context)
            let id = try context.parameters.require("id")
            guard services.jobs.job(id) != nil else { throw Problem(.notFound) }
            let updates = services.jobs.updates(id)
            var headers = Self.securityHeaders
            headers[.contentType] = "text/event-stream"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for await job in updates {
                    let end = job.state == .done || job.state == .failed
                    let data = "{\"state\":\"\(job.state.rawValue)\",\"done\":\(job.pupilsDone),\"total\":\(job.pupilsTotal)}"
                    try await writer.write(ByteBuffer(string: "event: \(end ? "end" : "progress")\ndata: \(data)\n\n"))
                }
                try await writer.finish(nil)
            })
        }

        router.get("/tirages/:id/fichiers/**") { [self] request, context -> Response in
            _ = try await require(.printRun, request, context)
            let id = try context.parameters.require("id")
            let path = context.parameters.getCatchAll().joined(separator: "/")
            // Only a file the finished job lists: nothing else of the folder, no path of the client's.
            guard let job = services.jobs.job(id), job.state == .done, job.files.contains(path) else { throw Problem(.notFound) }
            let url = services.jobs.outputFolder(id).appendingPathComponent(path)
            let data = try await services.executor.run { try Data(contentsOf: url) }
            var headers = Self.securityHeaders
            headers[.contentType] = path.hasSuffix(".pdf") ? "application/pdf" : "application/json"
            let name = path.split(separator: "/").last.map(String.init) ?? path
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// What a print run's file is, in words.
    static func nature(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name == PrintRun.summaryFileName { return "récapitulatif du tirage (JSON)" }
        if name.contains("emargement") { return "feuille d’émargement" }
        if path.contains("/") { return "livret d’un élève" }
        if name.hasSuffix(".pdf") { return "livrets de la classe" }
        return "fichier"
    }

    func newPrintRunPage(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String, context: LivretRequestContext),
                         chosen: Set<String>, all: Bool, simplex: Bool, receipts: Bool, date: String, errors: [String: [String]],
                         status: HTTPResponse.Status = .ok) async throws -> Response {
        let names = await pupilNames()
        var counts: [String: Int] = [:]
        for name in names.values { counts[name.division ?? "—", default: 0] += 1 }
        let fields: [FormField] = [
            .file(id: "refus", libelle: "Liste des familles servies sur papier", aide: "Fichier CSV des INE des familles qui ont refusé les téléservices : seuls leurs livrets sont imprimés.",
                  accept: ".csv,text/csv", facultatif: true, erreurs: errors["refus"] ?? []),
            .text(id: "date", libelle: "Date de remise", aide: "Imprimée sur les feuilles d’émargement.", type: "date", valeur: date, erreurs: errors["date"] ?? []),
        ]
        let divisionErrors = errors["divisions"] ?? []
        let items = divisionErrors.map { ErrorSummary.Item(champ: "divisions", texte: "Divisions : \($0)") } + fields.flatMap(\.summaryItems)
        let page = NewPrintRunPage(
            chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/tirages/nouveau"), csrf: signed.session.csrf,
            resume: ErrorSummary.of(items, preventing: "le tirage"), toutes: all,
            divisions: counts.keys.sorted().map { NewPrintRunPage.Choice(code: $0, eleves: counts[$0]!, cochee: chosen.contains($0)) },
            erreurDivisions: divisionErrors.first, champs: fields, recto: simplex, recepisses: receipts)
        return try html(page, status: status)
    }

    // MARK: « Vérifier un document »

    func addVerifyRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/verifier") { [self] request, _ -> Response in
            try await verifyPage(request, verdict: nil, errors: [:], code: "")
        }

        router.post("/verifier") { [self] request, context -> Response in
            var request = request
            let form = try await readPublicForm(&request, limit: services.configuration.maxScanBytes + 64 * 1024)
            guard services.verifyLimiter.allow(context.address ?? "-") else {
                throw WebError.page(.tooManyRequests, "Trop de vérifications", "Trop de vérifications depuis cette adresse : attendez une minute.")
            }
            let code = form.value("code") ?? ""
            if let file = form.files["document"] {
                guard let (verdict, signature) = try await services.verifyLivret(pdf: file.data) else {
                    throw WebError.page(.serviceUnavailable, "Vérification indisponible", "Le service n’a pas le certificat du lycée.")
                }
                var phrases: [String] = []
                let titre: String
                if signature.isAuthentic {
                    phrases.append("Ce document a été signé par \(signature.signer?.subject ?? "le lycée") et n’a pas été modifié depuis.")
                    if let time = signature.signingTime { phrases.append("Signé le \(Self.frenchDate.string(from: time)).") }
                    switch verdict.status {
                    case .authentic:
                        titre = "Document authentique"
                        phrases.append("C’est la dernière version de ce livret archivée par le lycée.")
                    case .superseded:
                        let withdrawn = verdict.message.hasPrefix("withdrawn")
                        titre = withdrawn ? "Livret retiré" : "Livret remplacé"
                        phrases.append(withdrawn ? "Ce livret a été retiré depuis : il n’est plus valable."
                                                 : "Une version plus récente l’a remplacé depuis : ce document n’est plus la version en vigueur.")
                    default:
                        titre = "Document non reconnu"
                        phrases.append("Mais le lycée n’a archivé aucun livret identique : ce document n’est pas un livret émis par ce lycée.")
                    }
                } else {
                    titre = "Document non reconnu"
                    phrases.append("Ce document n’est pas reconnu comme un original du lycée.")
                    phrases.append(Self.words(verdict: signature.status))
                }
                let answer = VerifyPage.Verdict(authentique: verdict.isAuthentic, titre: titre, phrases: phrases)
                return try await verifyPage(request, verdict: answer, errors: [:], code: "")
            }
            guard !code.isEmpty else {
                return try await verifyPage(request, verdict: nil, errors: ["document": ["déposez le PDF, ou recopiez le code du récépissé ci-dessous."]], code: "",
                                            status: .unprocessableContent)
            }
            guard let answer = try await services.verifyReceiptCode(code) else {
                return try await verifyPage(request, verdict: nil, errors: ["code": ["le code a la forme LSL1:UAI:INE:année:version:empreinte (six parties séparées par « : »)."]],
                                            code: code, status: .unprocessableContent)
            }
            return try await verifyPage(request, verdict: answer, errors: [:], code: code)
        }
    }

    static func words(verdict: SignatureVerdict.Status) -> String {
        switch verdict {
        case .authentic: "La signature est celle du lycée et le document est intact."
        case .notSigned: "Le document ne porte pas de signature électronique du lycée."
        case .altered: "Le document a été modifié après sa signature."
        case .bytesAdded: "Des données ont été ajoutées au document après sa signature."
        case .untrusted: "La signature n’est pas celle du lycée."
        case .certificateNotValid: "Le certificat du signataire n’était pas valide à la date de la signature."
        case .unsupported: "Ce type de document ou de signature ne peut pas être vérifié ici."
        }
    }

    func verifyPage(_ request: Request, verdict: VerifyPage.Verdict?, errors: [String: [String]], code: String,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let signed = try await signedIn(request)
        let pre = preSession(request)
        let fields: [FormField] = [
            .file(id: "document", libelle: "Le document (PDF)", aide: "Le livret ou le récépissé reçu sous forme de fichier.", accept: "application/pdf,.pdf",
                  facultatif: true, erreurs: errors["document"] ?? []),
            .text(id: "code", libelle: "Ou le code du récépissé", aide: "Le texte imprimé sous le QR code, par exemple LSL1:0382032C:…", valeur: code,
                  facultatif: true, autocomplete: "off", erreurs: errors["code"] ?? []),
        ]
        let page = VerifyPage(
            chrome: signed.map { chrome($0, current: "/verifier") } ?? WebChrome(session: nil), csrf: signed?.session.csrf ?? pre.token,
            resume: ErrorSummary.of(fields.flatMap(\.summaryItems), preventing: "la vérification"), champs: fields, verdict: verdict)
        var response = try html(page, status: status)
        if signed == nil, let cookie = pre.newCookie { response.setCookie(cookie) }
        return response
    }
}
