import Foundation
import HTTPTypes
import Hummingbird
import LivretArchive
import LivretImport
import LivretJury
import LivretModel
import LivretPipeline
import LivretSign
import NIOCore

extension WebPages {
    func addSecretariatRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/tableau-de-bord") { [self] request, context -> Response in
            let signed = try await require(.printRun, request, context)
            let pupils = try await services.pupils(ObjectFilter(), principal: signed.principal)
            let names = await pupilNames()
            var byDivision: [String: (eleves: Int, archives: Int)] = [:]
            for summary in pupils {
                let division = Self.division(summary) ?? "—"
                byDivision[division, default: (0, 0)].eleves += 1
                if summary.files.contains(where: { $0.hasSuffix("/livret.pdf") }) { byDivision[division, default: (0, 0)].archives += 1 }
            }
            // Pupils imported but not archived yet count in their division too.
            let archived = Set(pupils.compactMap(\.ine))
            for (ine, name) in names where !archived.contains(ine) {
                byDivision[name.division ?? "—", default: (0, 0)].eleves += 1
            }
            let years = pupils.compactMap { $0.scolarites.map(\.year).max() }
            // The receipts whose stub is not back, as `livret receipt ls --missing` lists them.
            var divisionOf: [String: String] = [:]
            for summary in pupils { if let ine = summary.ine, let division = Self.division(summary) { divisionOf[ine] = division } }
            let journal = Journal(home: services.configuration.home)
            let ledger = try await services.executor.run { [divisionOf] () throws -> ReceiptLedger in try ReceiptLedger(journal: journal, divisions: divisionOf) }
            let missing = ledger.statuses.filter { $0.returned == nil }.map {
                DashboardPage.MissingReceipt(ine: $0.ine, nom: names[$0.ine]?.nom ?? $0.ine, division: $0.division ?? "—", version: $0.version)
            }
            let page = DashboardPage(
                chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/tableau-de-bord"),
                annee: years.max() ?? "—", nombreDivisions: byDivision.count, nombreEleves: byDivision.values.reduce(0) { $0 + $1.eleves },
                nombreRecepissesManquants: missing.count,
                divisions: byDivision.keys.sorted().map { DashboardPage.Division(code: $0, eleves: byDivision[$0]!.eleves, archives: byDivision[$0]!.archives) },
                tirages: services.jobs.list().prefix(10).map(Self.row), recepissesManquants: missing)
            return try html(page)
        }

        router.get("/import") { [self] request, context -> Response in
            let signed = try await require(.importDataset, request, context)
            return try html(importPage(signed, errors: [:], general: [], success: nil))
        }

        router.post("/import") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.importDataset, request, context)
            let configuration = services.configuration
            let limit = configuration.maxExchangeFileBytes
            let form = try await readForm(&request, session: signed.session, limit: 3 * limit + 64 * 1024)
            guard let nomenclature = configuration.nomenclature else {
                throw WebError.page(.serviceUnavailable, "Import indisponible", "Le service n’a pas de nomenclature : les imports ne sont pas proposés.")
            }
            var errors: [String: [String]] = [:]
            var files: [String: ImportInputs.File] = [:]
            for field in Self.importFields {
                guard let file = form.files[field.id] else {
                    errors[field.id, default: []].append("choisissez le fichier.")
                    continue
                }
                guard file.data.count <= limit else {
                    errors[field.id, default: []].append("\(Self.words(bytes: file.data.count)) : au-delà de la limite de \(Self.words(bytes: limit)), le fichier n’a pas été lu.")
                    continue
                }
                files[field.id] = ImportInputs.File(name: file.filename, data: file.data)
            }
            // Each problem goes next to the field of its file; the names must tell the files apart.
            if Set(files.values.map(\.name)).count < files.count {
                for (id, file) in files { files[id] = ImportInputs.File(name: "\(id) (\(file.name))", data: file.data) }
            }
            guard errors.isEmpty, let eleves = files["eleves"], let evaluations = files["evaluations"], let etablissement = files["etablissement"] else {
                return try html(importPage(signed, errors: errors, general: [], success: nil), status: .unprocessableContent)
            }
            let datasets = services.datasets
            do {
                let imported = try await services.executor.run { () throws -> Datasets.Imported in
                    let nomenclatureURL = URL(fileURLWithPath: nomenclature)
                    let nomenclatureFile = ImportInputs.File(name: nomenclatureURL.lastPathComponent, data: try Data(contentsOf: nomenclatureURL))
                    let matieres = try configuration.matieres.map {
                        ImportInputs.File(name: URL(fileURLWithPath: $0).lastPathComponent, data: try Data(contentsOf: URL(fileURLWithPath: $0)))
                    }
                    return try datasets.importFiles(ImportInputs(
                        eleves: eleves, evaluations: evaluations, etablissement: etablissement, nomenclature: nomenclatureFile, matieres: matieres))
                }
                let divisions = Set(await pupilNames().values.compactMap(\.division)).count
                let success = ImportPage.Success(
                    eleves: imported.pupils, divisions: divisions, avertissements: imported.warnings.count,
                    lignesAvertissement: imported.warnings.prefix(200).map(\.description))
                return try html(importPage(signed, errors: [:], general: [], success: success))
            } catch let problem as Problem where problem.status == .unprocessableContent {
                var general: [String] = []
                for item in problem.problems {
                    let line = Self.words(item)
                    if let id = files.first(where: { $0.value.name == item.file })?.key {
                        errors[id, default: []].append(line)
                    } else {
                        general.append(line)
                    }
                }
                return try html(importPage(signed, errors: errors, general: general, success: nil), status: .unprocessableContent)
            }
        }

        router.get("/jury/paquets") { [self] request, context -> Response in
            let signed = try await require(.readJuryPackages, request, context)
            return try await juryPackagesPage(signed, errors: [:], values: [:], avis: [])
        }

        router.post("/jury/paquets") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.makeJuryPackage, request, context)
            let form = try await readForm(&request, session: signed.session)
            let centre = form.value("centre") ?? ""
            let session = form.value("session") ?? ""
            let divisions = (form.value("divisions") ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            var errors: [String: [String]] = [:]
            if let problem = JuryPackager.centreProblem(centre) { errors["centre", default: []].append(problem) }
            if let problem = JuryPackager.sessionProblem(session) { errors["session", default: []].append(problem) }
            if divisions.isEmpty { errors["divisions", default: []].append("nommez au moins une division.") }
            for division in divisions where !UserStore.isCode(division) { errors["divisions", default: []].append("« \(division) » n’est pas un code de division.") }
            let values = ["centre": centre, "session": session, "divisions": form.value("divisions") ?? ""]
            guard errors.isEmpty else { return try await juryPackagesPage(signed, errors: errors, values: values, avis: [], status: .unprocessableContent) }
            do {
                let result = try await services.makeJuryPackage(centre: centre, session: session, selection: .divisions(divisions), actor: signed.principal.journalName)
                return try await juryPackagesPage(signed, errors: [:], values: [:], avis: ["Paquet \(result.packageID) préparé : \(result.candidates.count) candidats."])
            } catch let problem as Problem where problem.status == .unprocessableContent {
                errors["divisions", default: []].append(contentsOf: problem.problems.map(\.message))
                return try await juryPackagesPage(signed, errors: errors, values: values, avis: [], status: .unprocessableContent)
            }
        }

        router.get("/jury/paquets/:id") { [self] request, context -> Response in
            _ = try await require(.readJuryPackages, request, context)
            let id = try context.parameters.require("id")
            guard JuryPackageIDs.isID(id) else { throw Problem(.notFound) }
            let zip = services.juryPackagesFolder.appendingPathComponent(id + ".zip")
            let data = try await services.executor.run { () -> Data? in try? Data(contentsOf: zip) }
            guard let data else { throw Problem(.notFound) }
            var headers = Self.securityHeaders
            headers[.contentType] = "application/zip"
            headers[.contentDisposition] = "attachment; filename=\"\(id).zip\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }

        router.get("/utilisateurs") { [self] request, context -> Response in
            let signed = try await require(.manageUsers, request, context)
            return try await usersPage(signed, errors: [:], values: [:], token: nil, avis: [])
        }

        router.post("/utilisateurs") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.manageUsers, request, context)
            let form = try await readForm(&request, session: signed.session)
            var values: [String: String] = [:]
            for key in ["role", "nom", "divisions", "centre", "session", "debut", "fin", "ine"] { values[key] = form.value(key) ?? "" }
            guard let role = Role(rawValue: values["role"]!) else {
                return try await usersPage(signed, errors: ["role": ["choisissez un rôle."]], values: values, token: nil, avis: [], status: .unprocessableContent)
            }
            func list(_ key: String) -> [String] { values[key]!.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
            func optional(_ key: String) -> String? { values[key]!.isEmpty ? nil : values[key] }
            let scope = Scope(divisions: role == .enseignant ? list("divisions") : [], centre: role == .jury ? optional("centre") : nil,
                              session: role == .jury ? optional("session") : nil, from: role == .jury ? optional("debut") : nil,
                              until: role == .jury ? optional("fin") : nil, ines: role == .famille ? list("ine") : [])
            let users = services.users
            let name = values["nom"]!
            do {
                let added = try await services.executor.run { try users.add(name: name, role: role, scope: scope) }
                services.logger.info("web.user.added", metadata: ["user": "\(added.user.id ?? 0)", "role": "\(role.rawValue)", "by": "\(signed.principal.id)"])
                return try await usersPage(signed, errors: [:], values: [:], token: UsersPage.NewToken(nom: added.user.name, jeton: added.token), avis: [])
            } catch let error as UserStoreError {
                let field = ["--name": "nom", "--division": "divisions", "--centre": "centre", "--session": "session", "--from": "debut", "--until": "fin", "--ine": "ine"][error.field] ?? "role"
                return try await usersPage(signed, errors: [field: [error.reason]], values: values, token: nil, avis: [], status: .unprocessableContent)
            }
        }

        router.post("/utilisateurs/revoquer") { [self] request, context -> Response in
            var request = request
            let signed = try await require(.manageUsers, request, context)
            let form = try await readForm(&request, session: signed.session)
            guard let number = form.value("utilisateur"), let id = Int64(number) else {
                throw WebError.page(.badRequest, "Demande refusée", "Aucun utilisateur désigné.")
            }
            let users = services.users
            do {
                // The revocation deletes the user's sessions with it.
                let revoked = try await services.executor.run { try users.revoke(String(id)) }
                return try await usersPage(signed, errors: [:], values: [:], token: nil, avis: ["Le compte de \(revoked.name) est révoqué ; ses sessions sont fermées."])
            } catch let error as UserStoreError {
                return try await usersPage(signed, errors: [:], values: [:], token: nil, avis: [error.reason], status: .unprocessableContent)
            }
        }
    }

    // MARK: pages

    static let importFields: [FormField] = [
        .file(id: "eleves", libelle: "Export SIECLE des élèves", aide: "Le fichier ElevesSansAdresses.xml exporté de SIECLE (BEE).", accept: ".xml"),
        .file(id: "evaluations", libelle: "Fichier d’import LSL", aide: "Le fichier XML écrit par le logiciel de notes (Pronote, SIECLE Notes…).", accept: ".xml"),
        .file(id: "etablissement", libelle: "Profil de l’établissement", aide: "Le fichier etablissement.json (UAI, nom, chef d’établissement).", accept: ".json"),
    ]

    func importPage(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String, context: LivretRequestContext),
                    errors: [String: [String]], general: [String], success: ImportPage.Success?) throws -> ImportPage {
        let fields = Self.importFields.map { field in
            FormField.file(id: field.id, libelle: field.libelle, aide: field.aide, accept: field.accepte, erreurs: errors[field.id] ?? [])
        }
        let items = general.map { ErrorSummary.Item(champ: nil, texte: $0) } + fields.flatMap(\.summaryItems)
        return ImportPage(
            chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/import"), csrf: signed.session.csrf,
            resume: ErrorSummary.of(items, preventing: "l’import ; rien n’a été remplacé"), champs: fields, succes: success)
    }

    func juryPackagesPage(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String, context: LivretRequestContext),
                          errors: [String: [String]], values: [String: String], avis: [String], status: HTTPResponse.Status = .ok) async throws -> Response {
        let home = services.configuration.home
        let folder = services.juryPackagesFolder
        let entries = try await services.executor.run { () throws -> [JournalEntry] in try JuryPackager.sent(archiveHome: home) }
        let rows = entries.reversed().map { entry -> JuryPackagesPage.Row in
            let id = entry.package ?? "—"
            let available = JuryPackageIDs.isID(id) && FileManager.default.fileExists(atPath: folder.appendingPathComponent(id + ".zip").path)
            return JuryPackagesPage.Row(
                nom: id, centre: entry.centre ?? "—", session: entry.session ?? "—", candidats: entry.candidates?.count ?? 0,
                date: Self.words(time: entry.time), lien: available ? "/jury/paquets/\(id)" : nil)
        }
        let fields: [FormField] = [
            .text(id: "centre", libelle: "Centre de délibération", aide: "Le code du centre (lettres, chiffres, - et _).", valeur: values["centre"] ?? "", erreurs: errors["centre"] ?? []),
            .text(id: "session", libelle: "Session", aide: "Année et mois, par exemple 2016-06.", valeur: values["session"] ?? "", motif: "[0-9]{4}-[0-9]{2}", erreurs: errors["session"] ?? []),
            .text(id: "divisions", libelle: "Divisions des candidats", aide: "Une ou plusieurs divisions, séparées par des virgules (par exemple TES1).", valeur: values["divisions"] ?? "", erreurs: errors["divisions"] ?? []),
        ]
        let mayMake = services.policy.allows(.makeJuryPackage, for: signed.principal)
        let page = JuryPackagesPage(
            chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/jury/paquets", avis: avis), csrf: signed.session.csrf,
            resume: ErrorSummary.of(fields.flatMap(\.summaryItems), preventing: "la préparation du paquet"), champs: mayMake ? fields : [], paquets: rows)
        return try html(page, status: status)
    }

    func usersPage(_ signed: (principal: Principal, session: WebSessionStore.Session, cookie: String, context: LivretRequestContext),
                   errors: [String: [String]], values: [String: String], token: UsersPage.NewToken?, avis: [String],
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let users = services.users
        let all = try await services.executor.run { try users.list() }
        let rows = all.map { user in
            UsersPage.Row(
                numero: user.id ?? 0, nom: user.name, role: Self.roleName(user.role), portee: Self.words(scope: user.scope, role: user.role),
                etat: user.revoked.map { "révoqué le \(Self.words(time: $0))" } ?? "actif", revocable: user.revoked == nil && user.id != signed.principal.id)
        }
        let chosen = values["role"] ?? ""
        let fields: [FormField] = [
            .select(id: "role", libelle: "Rôle", options: [FormField.Option(valeur: "", libelle: "Choisir…")]
                + Role.allCases.map { FormField.Option(valeur: $0.rawValue, libelle: Self.roleName($0), choisie: $0.rawValue == chosen) },
                    erreurs: errors["role"] ?? []),
            .text(id: "nom", libelle: "Nom", valeur: values["nom"] ?? "", autocomplete: "off", erreurs: errors["nom"] ?? []),
            .text(id: "divisions", libelle: "Divisions (enseignant)", aide: "Séparées par des virgules.", valeur: values["divisions"] ?? "", facultatif: true, erreurs: errors["divisions"] ?? []),
            .text(id: "centre", libelle: "Centre (jury)", valeur: values["centre"] ?? "", facultatif: true, erreurs: errors["centre"] ?? []),
            .text(id: "session", libelle: "Session (jury)", aide: "Par exemple 2016-06.", valeur: values["session"] ?? "", facultatif: true, erreurs: errors["session"] ?? []),
            .text(id: "debut", libelle: "Premier jour d’accès (jury)", type: "date", valeur: values["debut"] ?? "", facultatif: true, erreurs: errors["debut"] ?? []),
            .text(id: "fin", libelle: "Dernier jour d’accès (jury)", type: "date", valeur: values["fin"] ?? "", facultatif: true, erreurs: errors["fin"] ?? []),
            .text(id: "ine", libelle: "INE de l’enfant (famille)", valeur: values["ine"] ?? "", facultatif: true, erreurs: errors["ine"] ?? []),
        ]
        let page = UsersPage(
            chrome: chrome((signed.principal, signed.session, signed.cookie), current: "/utilisateurs", avis: avis), csrf: signed.session.csrf,
            resume: ErrorSummary.of(fields.flatMap(\.summaryItems), preventing: "la création du compte"), nouveauJeton: token, utilisateurs: rows, champs: fields)
        return try html(page, status: status)
    }

    static func words(scope: Scope, role: Role) -> String {
        switch role {
        case .chef, .secretariat, .cpe: "tout l’établissement"
        case .enseignant: "divisions " + scope.divisions.joined(separator: ", ")
        case .jury: "centre \(scope.centre ?? "—"), session \(scope.session ?? "—"), du \(scope.from ?? "—") au \(scope.until ?? "—")"
        case .famille: "élève(s) " + scope.ines.joined(separator: ", ")
        case .archiviste: "vérification, journal, paquets"
        }
    }

    /// `file:line:column: field: message`, as the CLI prints a problem.
    static func words(_ item: Problem.Item) -> String {
        var text = item.file ?? ""
        if let line = item.line { text += ":\(line)" + (item.column.map { ":\($0)" } ?? "") }
        if !text.isEmpty { text += " : " }
        if let field = item.field { text += "\(field) : " }
        return text + item.message
    }

    static func row(_ job: PrintRunJob) -> PrintRunRow {
        PrintRunRow(
            id: job.id, date: words(time: job.created), divisions: job.divisions?.joined(separator: ", ") ?? "toutes",
            etat: words(state: job.state), faits: job.pupilsDone, total: job.pupilsTotal)
    }
}
