import Foundation
@testable import LivretServer
import LivretTestSupport
import Testing

/// The templates rendered from view models: French, every field labelled, tables with header
/// cells and scopes, errors next to their field and summarised at the top, input escaped.
@Suite struct TemplateTests {
    static func templates() throws -> WebTemplates {
        try WebTemplates(
            directory: TestSupport.repositoryRoot.appendingPathComponent("Templates"),
            publicDirectory: TestSupport.repositoryRoot.appendingPathComponent("Public"))
    }

    static let hostile = "<script>alert(1)</script>\"&'"

    static func chrome(avis: [String] = []) -> WebChrome {
        WebChrome(
            session: SessionChrome(nom: "Mme Durand", roleLibelle: "secrétariat", csrf: "CSRF-TOKEN-123",
                                   menu: [MenuItem(lien: "/tableau-de-bord", libelle: "Tableau de bord", actuel: true), MenuItem(lien: "/import", libelle: "Import")]),
            avis: avis)
    }

    /// Structural checks every page must pass.
    static func checkPage(_ html: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.hasPrefix("<!DOCTYPE html>"), "\(name): doctype", sourceLocation: sourceLocation)
        #expect(html.contains("<html lang=\"fr\">"), "\(name): lang", sourceLocation: sourceLocation)
        #expect(html.components(separatedBy: "<h1>").count == 2, "\(name): one h1", sourceLocation: sourceLocation)
        #expect(!html.contains("{{") && !html.contains("}}"), "\(name): a mustache tag left", sourceLocation: sourceLocation)
        // Every visible field has a label.
        let ids = matches(#"<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)""#, in: html)
        let labelled = Set(matches(#"<label for="([^"]+)""#, in: html))
        for id in ids { #expect(labelled.contains(id), "\(name): field \(id) has no label", sourceLocation: sourceLocation) }
        let fields = matches(#"<(input|select|textarea)\b(?![^>]*type="hidden")"#, in: html)
        #expect(fields.count == ids.count, "\(name): a field without an id", sourceLocation: sourceLocation)
        // Every header cell has a scope; every table a caption and a header row.
        #expect(matches(#"<th(?![^>]*scope=)[ >]"#, in: html).isEmpty, "\(name): th without scope", sourceLocation: sourceLocation)
        #expect(html.components(separatedBy: "<table>").count == html.components(separatedBy: "<caption>").count,
                "\(name): table without caption", sourceLocation: sourceLocation)
        // Every POST form carries a CSRF token.
        let posts = html.components(separatedBy: "method=\"post\"").count - 1
        let tokens = html.components(separatedBy: "name=\"csrf\" value=\"").count - 1
        #expect(posts == tokens, "\(name): \(posts) forms, \(tokens) CSRF fields", sourceLocation: sourceLocation)
        #expect(!html.contains("<script>alert"), "\(name): input not escaped", sourceLocation: sourceLocation)
        // aria-describedby names only ids of the page.
        let allIDs = Set(matches(#"\bid="([^"]+)""#, in: html))
        for list in matches(#"aria-describedby="([^"]+)""#, in: html) {
            for id in list.split(separator: " ") { #expect(allIDs.contains(String(id)), "\(name): describedby \(id) missing", sourceLocation: sourceLocation) }
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return String(text[Range(range, in: text)!])
        }
    }

    @Test func signInWithError() async throws {
        let templates = try Self.templates()
        var page = SignInPage(chrome: WebChrome(session: nil), csrf: "PRE", erreurJeton: nil, resume: nil)
        var html = try templates.render(page)
        Self.checkPage(html, "connexion")
        #expect(html.contains("type=\"password\""))
        #expect(html.contains("name=\"csrf\" value=\"PRE\""))
        #expect(!html.contains("resume-erreurs"))
        page.erreurJeton = "Ce jeton est refusé."
        page.resume = ErrorSummary.of([ErrorSummary.Item(champ: "jeton", texte: "Jeton personnel : ce jeton est refusé.")], preventing: "la connexion")
        html = try templates.render(page)
        Self.checkPage(html, "connexion (erreur)")
        #expect(html.contains("Une erreur empêche la connexion"))
        #expect(html.contains("<a href=\"#jeton\">"))
        #expect(html.contains("aria-invalid=\"true\""))
        #expect(html.contains("aria-describedby=\"jeton-aide jeton-erreur\""))
    }

    @Test func importErrorsNextToTheirFieldAndSummarised() async throws {
        let templates = try Self.templates()
        let problems = ["import-lsl.xml:12:4: <moyenne>: mark outside 0–20", "import-lsl.xml:40:4: <eleve>: unknown pupil \(Self.hostile)"]
        let fields = [
            FormField.file(id: "eleves", libelle: "Export SIECLE (ElevesSansAdresses.xml)", accept: ".xml"),
            FormField.file(id: "evaluations", libelle: "Fichier d’import LSL", accept: ".xml", erreurs: problems),
            FormField.file(id: "etablissement", libelle: "Profil de l’établissement", accept: ".json"),
        ]
        let page = ImportPage(chrome: Self.chrome(), csrf: "CSRF-TOKEN-123",
                              resume: ErrorSummary.of(fields.flatMap(\.summaryItems), preventing: "l’import"), champs: fields, succes: nil)
        let html = try templates.render(page)
        Self.checkPage(html, "import")
        #expect(html.contains("2 erreurs empêchent l’import"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        // The summary links to the field, and the errors sit inside the field's block, before the input.
        #expect(Self.matches(##"<a href="#evaluations">"##, in: html).count == 2)
        let block = try #require(html.range(of: "<div class=\"champ en-erreur\">"))
        let input = try #require(html.range(of: "id=\"evaluations\" name=\"evaluations\""))
        let error = try #require(html.range(of: "id=\"evaluations-erreur-2\""))
        #expect(block.lowerBound < error.lowerBound && error.lowerBound < input.lowerBound)
        #expect(html.contains("aria-describedby=\"evaluations-erreur-1 evaluations-erreur-2\""))
        #expect(html.contains("enctype=\"multipart/form-data\""))
        #expect(html.contains("aria-current=\"page\""))
    }

    @Test func dashboardTablesAndEmptyStates() async throws {
        let templates = try Self.templates()
        var page = DashboardPage(chrome: Self.chrome(), annee: "2015-2016", nombreDivisions: 0, nombreEleves: 0, nombreRecepissesManquants: 0,
                                 divisions: [], tirages: [], recepissesManquants: [])
        var html = try templates.render(page)
        Self.checkPage(html, "tableau de bord vide")
        #expect(html.contains("Aucune division"))
        #expect(!html.contains("<table>"))
        page.divisions = [.init(code: "1ES1", eleves: 35, archives: 35), .init(code: Self.hostile, eleves: 1, archives: 0)]
        page.tirages = [PrintRunRow(id: "pr-0011223344556677", date: "2 décembre 2026 à 12 h 30", divisions: "toutes", etat: "terminé", faits: 140, total: 140)]
        page.recepissesManquants = [.init(ine: "070803170AA", nom: "DUPONT Léa", division: "1ES1", version: "v2")]
        html = try templates.render(page)
        Self.checkPage(html, "tableau de bord")
        #expect(Self.matches("<table>", in: html).count == 3)
        page.nombreRecepissesManquants = 1
        html = try templates.render(page)
        #expect(html.contains("<strong>1</strong> récépissés non revenus") && html.contains("<a href=\"/eleves/070803170AA\">DUPONT Léa</a>"))
        #expect(html.contains("<th scope=\"row\"><a href=\"/eleves?division=1ES1\">1ES1</a></th>"))
        #expect(html.contains("/tirages/pr-0011223344556677"))
        #expect(!html.contains("Aucune division"))
    }

    @Test func printRunProgressWithAndWithoutFiles() async throws {
        let templates = try Self.templates()
        var page = PrintRunPage(chrome: Self.chrome(), id: "pr-0011223344556677", etatLibelle: "Impression en cours", faits: 12, total: 140,
                                pagesParSeconde: "9,5", enCours: true, echecs: [], fichiers: [])
        var html = try templates.render(page)
        Self.checkPage(html, "tirage en cours")
        #expect(html.contains("<progress id=\"barre\" max=\"140\" value=\"12\">"))
        #expect(html.contains("data-evenements=\"/tirages/pr-0011223344556677/evenements\""))
        #expect(html.contains("<script src=\"/static/progression.js\" defer></script>"))
        #expect(html.contains("actualiser l’avancement"))
        page.enCours = false
        page.faits = 140
        page.fichiers = [.init(nom: "1ES1.pdf", nature: "livrets de la classe", taille: "2,1 Mo", lien: "/tirages/pr-0011223344556677/fichiers/1ES1.pdf")]
        html = try templates.render(page)
        Self.checkPage(html, "tirage terminé")
        #expect(!html.contains("progression.js"))
        #expect(html.contains("download>1ES1.pdf</a>"))
    }

    @Test func everyOtherPageRenders() async throws {
        let templates = try Self.templates()
        let chrome = Self.chrome(avis: ["Tirage lancé."])
        let upload = [FormField.file(id: "talon", libelle: "Scan du talon signé (PDF)", accept: "application/pdf")]
        var rendered: [(String, String)] = []
        rendered.append(("tirage-nouveau", try templates.render(NewPrintRunPage(
            chrome: chrome, csrf: "T", resume: nil, toutes: false, divisions: [.init(code: "1ES1", eleves: 35, cochee: true)],
            erreurDivisions: "Choisissez au moins une division.",
            champs: [FormField.file(id: "refus", libelle: "Liste des familles à servir sur papier", accept: ".csv", facultatif: true),
                     FormField.text(id: "date", libelle: "Date de remise", type: "date", valeur: "2026-12-02")],
            recto: false, recepisses: true))))
        rendered.append(("eleves", try templates.render(PupilsPage(
            chrome: chrome, division: "1ES1", divisions: [.init(code: "1ES1", choisie: true)], nombre: 1,
            eleves: [.init(ine: "070803170AA", nom: "DUPONT Léa", division: "1ES1", versions: 2)]))))
        rendered.append(("eleve", try templates.render(PupilPage(
            chrome: chrome, csrf: "T", resume: nil, ine: "070803170AA", nom: "DUPONT Léa", division: "1ES1", serie: "ES",
            versions: [.init(version: "v2", date: "2 décembre 2026", auteur: "Mme Durand", message: "tirage", lien: "/eleves/070803170AA/livret.pdf?version=v2")],
            recepisses: [.init(version: "v1", revenu: true, lien: nil), .init(version: "v2", revenu: false, lien: nil)], peutDeposer: true, champs: upload))))
        rendered.append(("jury-paquets", try templates.render(JuryPackagesPage(
            chrome: chrome, csrf: "T", resume: nil,
            champs: [FormField.text(id: "centre", libelle: "Centre"), FormField.text(id: "session", libelle: "Session", motif: "[0-9]{4}-[0-9]{2}")],
            paquets: [.init(nom: "0382032C-2016-06-C1", centre: "C1", session: "2016-06", candidats: 35, date: "2 décembre 2026", lien: nil)]))))
        rendered.append(("utilisateurs", try templates.render(UsersPage(
            chrome: chrome, csrf: "T", resume: nil, nouveauJeton: .init(nom: "Jury 1", jeton: "lvt_abc"),
            utilisateurs: [.init(numero: 3, nom: "Jury 1", role: "jury", portee: "centre C1, session 2016-06", etat: "actif", revocable: true)],
            champs: [FormField.select(id: "role", libelle: "Rôle", options: [.init(valeur: "jury", libelle: "jury", choisie: true)])]))))
        rendered.append(("jury-candidats", try templates.render(JuryCandidatesPage(
            chrome: chrome, centre: "C1", session: "2016-06", nombre: 1,
            candidats: [.init(nom: "DUPONT Léa", division: "TES1", serie: "ES", lien: "/eleves/070803170AA/livret.pdf")]))))
        rendered.append(("famille", try templates.render(FamilyPage(
            chrome: chrome, enfants: [.init(ine: "070803170AA", nom: "DUPONT Léa", division: "1ES1",
                                            livrets: [.init(version: "v2", date: "2 décembre 2026", lien: "/eleves/070803170AA/livret.pdf")],
                                            recepisses: [.init(version: "v2", revenu: true, lien: nil)])]))))
        rendered.append(("archiviste", try templates.render(ArchivistPage(
            chrome: chrome, csrf: "T", verification: .init(saine: true, titre: "Archive intacte", lignes: ["140 objets vérifiés"]),
            etatJournal: "Journal intègre : 12 entrées.", nombre: 1,
            entrees: [.init(numero: 12, date: "2 décembre 2026", acteur: "Jury 1 (jury #3)", role: "jury", action: "consultation", ine: "070803170AA", version: "v2")]))))
        rendered.append(("verifier", try templates.render(VerifyPage(
            chrome: WebChrome(session: nil), csrf: "T", resume: nil,
            champs: [FormField.file(id: "document", libelle: "Le document (PDF)", facultatif: true), FormField.text(id: "code", libelle: "Ou le code du QR", facultatif: true)],
            verdict: .init(authentique: false, titre: "Document non reconnu", phrases: ["La signature ne correspond pas au contenu."])))))
        rendered.append(("erreur", try templates.render(ErrorPage(
            chrome: chrome, titre: "Accès refusé", message: "Votre rôle ne permet pas d’ouvrir cette page.", retour: "/", retourLibelle: "Retour à l’accueil"))))
        for (name, html) in rendered {
            Self.checkPage(html, name)
            #expect(html.contains("Tirage lancé.") || name == "verifier", "\(name): notices")
            #expect(html.contains("Se déconnecter") || name == "verifier", "\(name): sign-out")
        }
        // « Récépissés de remise »: a labelled checkbox, checked when asked; no promise of receipts without it.
        let form = try #require(rendered.first { $0.0 == "tirage-nouveau" }?.1)
        #expect(form.contains("<input type=\"checkbox\" id=\"recepisses\" name=\"recepisses\" value=\"1\" checked><label for=\"recepisses\">Récépissés de remise"))
        #expect(form.contains("si vous cochez « Récépissés de remise »"))
        // The pupil page: each receipt issued and whether its stub is back, the stub upload (CSRF).
        let pupil = try #require(rendered.first { $0.0 == "eleve" }?.1)
        #expect(pupil.contains("<th scope=\"row\">v1</th><td>revenu</td>"))
        #expect(pupil.contains("<th scope=\"row\">v2</th><td><strong>pas encore revenu</strong></td>"))
        #expect(pupil.contains("action=\"/eleves/070803170AA/talon\"") && pupil.contains("name=\"csrf\" value=\"T\""))
        #expect(pupil.contains("type=\"file\"") && pupil.contains("id=\"talon\""))
        let users = try #require(rendered.first { $0.0 == "utilisateurs" }?.1)
        #expect(users.contains("value=\"lvt_abc\""))
        #expect(users.contains("<option value=\"jury\" selected>"))
    }

    @Test func stylesheetShowsFocusAndTheScriptIsSmall() throws {
        let css = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Public/livret.css"), encoding: .utf8)
        #expect(css.contains(":focus-visible"))
        #expect(!css.contains("outline: none") || css.contains("main:focus { box-shadow: none; outline: none; }"))
        let script = try Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Public/progression.js"))
        #expect(script.count < 4096)
    }
}
