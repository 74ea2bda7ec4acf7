import Foundation

// The view models of the web pages: plain values that the templates of `Templates/` read by name
// (swift-mustache reads stored properties through Mirror, so every value a template shows is a
// stored property here, already in words: no formatting happens in a template).

/// What every page shows around its content: who is signed in, their menu, notices.
public struct WebChrome: Sendable {
    /// The signed-in user, or nil on the public pages.
    public var session: SessionChrome?
    /// Notices shown at the top of the page (« Tirage lancé »…).
    public var avis: [String]

    /// The chrome of a page.
    public init(session: SessionChrome?, avis: [String] = []) {
        self.session = session
        self.avis = avis
    }
}

/// The signed-in user as the page header shows them, with the sign-out form's CSRF token.
public struct SessionChrome: Sendable {
    /// The user's name.
    public var nom: String
    /// The role in words (« secrétariat »).
    public var roleLibelle: String
    /// The session's CSRF token (for the sign-out form).
    public var csrf: String
    /// The menu of the role.
    public var menu: [MenuItem]

    /// The header of a signed-in page.
    public init(nom: String, roleLibelle: String, csrf: String, menu: [MenuItem]) {
        self.nom = nom
        self.roleLibelle = roleLibelle
        self.csrf = csrf
        self.menu = menu
    }
}

/// One link of the main menu.
public struct MenuItem: Sendable, Equatable {
    /// The path.
    public var lien: String
    /// The words.
    public var libelle: String
    /// Whether it is the current page (`aria-current="page"`).
    public var actuel: Bool

    /// A menu link.
    public init(lien: String, libelle: String, actuel: Bool = false) {
        self.lien = lien
        self.libelle = libelle
        self.actuel = actuel
    }
}

/// The summary of a form's errors at the top of the page, each linking to its field.
public struct ErrorSummary: Sendable {
    /// « 3 erreurs empêchent l’import ».
    public var titre: String
    /// The errors, in the order of the form.
    public var erreurs: [Item]

    /// One error: its text and the id of the field it belongs to (nil: the form as a whole).
    public struct Item: Sendable {
        /// The id of the field (the link's target), if any.
        public var champ: String?
        /// The message.
        public var texte: String

        /// An error of the summary.
        public init(champ: String?, texte: String) {
            self.champ = champ
            self.texte = texte
        }
    }

    /// A summary of `erreurs`, or nil when there is none.
    /// - Parameters:
    ///   - erreurs: the errors.
    ///   - action: what they prevent, e.g. « l’import ».
    public static func of(_ erreurs: [Item], preventing action: String) -> ErrorSummary? {
        guard !erreurs.isEmpty else { return nil }
        let titre = erreurs.count == 1
            ? "Une erreur empêche \(action)" : "\(erreurs.count) erreurs empêchent \(action)"
        return ErrorSummary(titre: titre, erreurs: erreurs)
    }

    /// A summary.
    public init(titre: String, erreurs: [Item]) {
        self.titre = titre
        self.erreurs = erreurs
    }
}

/// A form field with its label, help, value and the errors shown next to it (the `champ` partial).
public struct FormField: Sendable {
    /// The element's id (also the summary's link target).
    public var id: String
    /// The submitted name.
    public var nom: String
    /// The label.
    public var libelle: String
    /// A line of help under the label.
    public var aide: String?
    /// Whether the field may be left empty (said in the label).
    public var facultatif: Bool
    /// The errors of this field.
    public var erreurs: [FieldError]
    /// Whether there is an error (`aria-invalid`, red border).
    public var enErreur: Bool
    /// The ids of the help and error paragraphs (`aria-describedby`), or nil.
    public var decrit: String?
    /// A file input.
    public var fichier: Bool
    /// The file types a file input proposes.
    public var accepte: String?
    /// A `<select>`.
    public var selection: Bool
    /// The options of a `<select>`.
    public var options: [Option]
    /// The `type` of a text input (`text`, `date`, `password`).
    public var type: String
    /// The value shown again after a refused submission.
    public var valeur: String
    /// The `autocomplete` attribute.
    public var autocomplete: String?
    /// The `pattern` attribute.
    public var motif: String?

    /// One error message next to a field.
    public struct FieldError: Sendable {
        /// Its number within the field (for its id).
        public var numero: Int
        /// The message.
        public var texte: String
    }

    /// One option of a `<select>`.
    public struct Option: Sendable {
        /// The submitted value.
        public var valeur: String
        /// The words.
        public var libelle: String
        /// Whether it is selected.
        public var choisie: Bool

        /// An option.
        public init(valeur: String, libelle: String, choisie: Bool = false) {
            self.valeur = valeur
            self.libelle = libelle
            self.choisie = choisie
        }
    }

    enum Kind { case file(accept: String?), select([Option]), text(type: String) }

    init(id: String, nom: String? = nil, libelle: String, aide: String? = nil, facultatif: Bool = false,
         kind: Kind, valeur: String = "", autocomplete: String? = nil, motif: String? = nil, erreurs: [String] = []) {
        self.id = id
        self.nom = nom ?? id
        self.libelle = libelle
        self.aide = aide
        self.facultatif = facultatif
        self.erreurs = erreurs.enumerated().map { FieldError(numero: $0.offset + 1, texte: $0.element) }
        enErreur = !erreurs.isEmpty
        let described = (aide == nil ? [] : ["\(id)-aide"]) + self.erreurs.map { "\(id)-erreur-\($0.numero)" }
        decrit = described.isEmpty ? nil : described.joined(separator: " ")
        fichier = false
        accepte = nil
        selection = false
        options = []
        type = "text"
        switch kind {
        case .file(let accept):
            fichier = true
            accepte = accept
        case .select(let options):
            selection = true
            self.options = options
        case .text(let type):
            self.type = type
        }
        self.valeur = valeur
        self.autocomplete = autocomplete
        self.motif = motif
    }

    /// A file input.
    public static func file(id: String, libelle: String, aide: String? = nil, accept: String? = nil, facultatif: Bool = false, erreurs: [String] = []) -> FormField {
        FormField(id: id, libelle: libelle, aide: aide, facultatif: facultatif, kind: .file(accept: accept), erreurs: erreurs)
    }

    /// A text input (`type` text, date…).
    public static func text(id: String, libelle: String, aide: String? = nil, type: String = "text", valeur: String = "", facultatif: Bool = false,
                            autocomplete: String? = nil, motif: String? = nil, erreurs: [String] = []) -> FormField {
        FormField(id: id, libelle: libelle, aide: aide, facultatif: facultatif, kind: .text(type: type), valeur: valeur,
                  autocomplete: autocomplete, motif: motif, erreurs: erreurs)
    }

    /// A `<select>`.
    public static func select(id: String, libelle: String, aide: String? = nil, options: [Option], erreurs: [String] = []) -> FormField {
        FormField(id: id, libelle: libelle, aide: aide, kind: .select(options), erreurs: erreurs)
    }

    /// This field's errors as summary items.
    public var summaryItems: [ErrorSummary.Item] { erreurs.map { ErrorSummary.Item(champ: id, texte: "\(libelle) : \($0.texte)") } }
}

/// A page: a template's name and the values it shows.
public protocol WebPage: Sendable {
    /// The template (a file of `Templates/` without `.mustache`).
    static var template: String { get }
    /// What surrounds the content.
    var chrome: WebChrome { get set }
}

/// « Se connecter ».
public struct SignInPage: WebPage {
    /// The template.
    public static let template = "connexion"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The pre-session CSRF token.
    public var csrf: String
    /// Why the token was refused.
    public var erreurJeton: String?
    /// The error summary.
    public var resume: ErrorSummary?
}

/// An error page (403, 404…).
public struct ErrorPage: WebPage {
    /// The template.
    public static let template = "erreur"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The title.
    public var titre: String
    /// The explanation.
    public var message: String
    /// Where to go next.
    public var retour: String
    /// Its words.
    public var retourLibelle: String
}

/// The secrétariat's tableau de bord.
public struct DashboardPage: WebPage {
    /// The template.
    public static let template = "tableau-de-bord"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The school year shown (« 2015-2016 »).
    public var annee: String
    /// How many divisions.
    public var nombreDivisions: Int
    /// How many pupils.
    public var nombreEleves: Int
    /// How many receipts have not come back.
    public var nombreRecepissesManquants: Int
    /// The divisions.
    public var divisions: [Division]
    /// The last print runs, newest first.
    public var tirages: [PrintRunRow]
    /// The receipts still missing.
    public var recepissesManquants: [MissingReceipt]

    /// A division of the dashboard.
    public struct Division: Sendable {
        /// The code.
        public var code: String
        /// Its pupils.
        public var eleves: Int
        /// Its pupils with an archived livret.
        public var archives: Int
    }

    /// A receipt handed over whose signed stub has not come back.
    public struct MissingReceipt: Sendable {
        /// The pupil's INE.
        public var ine: String
        /// « NOM Prénom ».
        public var nom: String
        /// The division.
        public var division: String
        /// The version handed over.
        public var version: String
    }
}

/// One print run in a list.
public struct PrintRunRow: Sendable {
    /// The job's id.
    public var id: String
    /// When it started.
    public var date: String
    /// Its divisions.
    public var divisions: String
    /// Its state in words.
    public var etat: String
    /// Pupils done.
    public var faits: Int
    /// Pupils in all.
    public var total: Int
}

/// The import form, with the errors of a refused import next to their files.
public struct ImportPage: WebPage {
    /// The template.
    public static let template = "import"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// The file fields.
    public var champs: [FormField]
    /// The outcome of an accepted import.
    public var succes: Success?

    /// An accepted import.
    public struct Success: Sendable {
        /// Pupils imported.
        public var eleves: Int
        /// Divisions.
        public var divisions: Int
        /// Warnings.
        public var avertissements: Int
        /// The warnings, one line each.
        public var lignesAvertissement: [String]
    }
}

/// The form that starts a print run.
public struct NewPrintRunPage: WebPage {
    /// The template.
    public static let template = "tirage-nouveau"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// Whether « toutes » is checked.
    public var toutes: Bool
    /// The divisions to choose from.
    public var divisions: [Choice]
    /// Why the choice of divisions was refused.
    public var erreurDivisions: String?
    /// The other fields (paper-only list, date).
    public var champs: [FormField]
    /// Simplex asked.
    public var recto: Bool
    /// Hand-over receipts asked (« Récépissés de remise »).
    public var recepisses: Bool = false

    /// A division to check.
    public struct Choice: Sendable {
        /// The code.
        public var code: String
        /// Its pupils.
        public var eleves: Int
        /// Whether it is checked.
        public var cochee: Bool
    }
}

/// A print run: its progress (a bar the script moves) and its files.
public struct PrintRunPage: WebPage {
    /// The template.
    public static let template = "tirage"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The job's id.
    public var id: String
    /// The state in words.
    public var etatLibelle: String
    /// Pupils done.
    public var faits: Int
    /// Pupils in all.
    public var total: Int
    /// Pages per second, in words, when known.
    public var pagesParSeconde: String?
    /// Whether it is still running (the script, the refresh link).
    public var enCours: Bool
    /// The pupils that could not be printed, one line each.
    public var echecs: [String]
    /// The files to download.
    public var fichiers: [FileRow]

    /// A file of a print run.
    public struct FileRow: Sendable {
        /// The file name.
        public var nom: String
        /// What it is (« livrets de la classe », « feuille d’émargement »…).
        public var nature: String
        /// Its size in words.
        public var taille: String
        /// The download path.
        public var lien: String
    }
}

/// The list of pupils.
public struct PupilsPage: WebPage {
    /// The template.
    public static let template = "eleves"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The division shown, if one.
    public var division: String?
    /// The divisions of the filter.
    public var divisions: [Choice]
    /// How many pupils are listed.
    public var nombre: Int
    /// The pupils.
    public var eleves: [Row]

    /// A division of the filter.
    public struct Choice: Sendable {
        /// The code.
        public var code: String
        /// Whether it is selected.
        public var choisie: Bool
    }

    /// A pupil of the list.
    public struct Row: Sendable {
        /// The INE.
        public var ine: String
        /// « NOM Prénom ».
        public var nom: String
        /// The division.
        public var division: String
        /// How many versions are archived.
        public var versions: Int
    }
}

/// One pupil: versions, receipts, the upload of a returned stub.
public struct PupilPage: WebPage {
    /// The template.
    public static let template = "eleve"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// The INE.
    public var ine: String
    /// « NOM Prénom ».
    public var nom: String
    /// The division.
    public var division: String
    /// The série, when known.
    public var serie: String?
    /// The archived versions, newest first.
    public var versions: [Version]
    /// The receipts.
    public var recepisses: [Receipt]
    /// The returned stubs' scans, newest first (empty for a role that may not open them).
    public var talons: [Stub] = []
    /// Whether the user may upload a returned stub.
    public var peutDeposer: Bool
    /// The upload field.
    public var champs: [FormField]

    /// An archived version of the livret.
    public struct Version: Sendable {
        /// « v3 ».
        public var version: String
        /// When.
        public var date: String
        /// Who.
        public var auteur: String
        /// The version's message.
        public var message: String
        /// The download path of its PDF, if it holds one.
        public var lien: String?
    }

    /// A receipt and whether its signed stub came back.
    public struct Receipt: Sendable {
        /// The version handed over.
        public var version: String
        /// Whether the stub came back.
        public var revenu: Bool
        /// The scan, when back.
        public var lien: String?
    }

    /// A returned stub's scan in the archive.
    public struct Stub: Sendable {
        /// Its number within the année (`recepisse-retour-<n>`).
        public var numero: Int
        /// The school year.
        public var annee: String
        /// When it was recorded.
        public var date: String
        /// The archive version that holds it.
        public var version: String
        /// « PDF », « PNG », « JPEG ».
        public var format: String
        /// Where it opens.
        public var lien: String
    }
}

/// Jury packages: the form and what was sent.
public struct JuryPackagesPage: WebPage {
    /// The template.
    public static let template = "jury-paquets"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// Centre, session, divisions.
    public var champs: [FormField]
    /// The packages made.
    public var paquets: [Row]

    /// A package.
    public struct Row: Sendable {
        /// Its name.
        public var nom: String
        /// The centre.
        public var centre: String
        /// The session.
        public var session: String
        /// How many candidates.
        public var candidats: Int
        /// When.
        public var date: String
        /// The download path, when it can be downloaded.
        public var lien: String?
    }
}

/// Users: list, create (the new token shown once), revoke.
public struct UsersPage: WebPage {
    /// The template.
    public static let template = "utilisateurs"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// A token just created, shown this once.
    public var nouveauJeton: NewToken?
    /// The users.
    public var utilisateurs: [Row]
    /// The creation form's fields.
    public var champs: [FormField]

    /// A token shown once.
    public struct NewToken: Sendable {
        /// Whose.
        public var nom: String
        /// The token.
        public var jeton: String
    }

    /// A user of the list.
    public struct Row: Sendable {
        /// The user's number.
        public var numero: Int64
        /// The name.
        public var nom: String
        /// The role in words.
        public var role: String
        /// What they may see, in words.
        public var portee: String
        /// « actif » or « révoqué le … ».
        public var etat: String
        /// Whether the revoke button is shown.
        public var revocable: Bool
    }
}

/// A jury member's candidates.
public struct JuryCandidatesPage: WebPage {
    /// The template.
    public static let template = "jury-candidats"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The centre.
    public var centre: String
    /// The session.
    public var session: String
    /// How many.
    public var nombre: Int
    /// The candidates.
    public var candidats: [Row]

    /// A candidate.
    public struct Row: Sendable {
        /// « NOM Prénom ».
        public var nom: String
        /// The division.
        public var division: String
        /// The série.
        public var serie: String
        /// The livret's path (opening it is journaled).
        public var lien: String
    }
}

/// A family's page: their child's livrets and receipts.
public struct FamilyPage: WebPage {
    /// The template.
    public static let template = "famille"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// Their children.
    public var enfants: [Child]

    /// A child.
    public struct Child: Sendable {
        /// The INE.
        public var ine: String
        /// « NOM Prénom ».
        public var nom: String
        /// The division.
        public var division: String
        /// The livrets issued.
        public var livrets: [Livret]
        /// The receipts.
        public var recepisses: [PupilPage.Receipt]
    }

    /// A livret issued.
    public struct Livret: Sendable {
        /// « v2 ».
        public var version: String
        /// When.
        public var date: String
        /// The download path.
        public var lien: String
    }
}

/// The archiviste's page: verify the archive, read the journal.
public struct ArchivistPage: WebPage {
    /// The template.
    public static let template = "archiviste"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The outcome of a verification just run.
    public var verification: Verification?
    /// The journal's state in words.
    public var etatJournal: String
    /// How many entries are listed.
    public var nombre: Int
    /// The last entries, newest first.
    public var entrees: [JournalRow]

    /// The outcome of a verification.
    public struct Verification: Sendable {
        /// Whether all is well.
        public var saine: Bool
        /// The title.
        public var titre: String
        /// One line per finding.
        public var lignes: [String]
    }

    /// A journal entry.
    public struct JournalRow: Sendable {
        /// Its sequence number.
        public var numero: Int
        /// When.
        public var date: String
        /// Who.
        public var acteur: String
        /// Their role.
        public var role: String
        /// What.
        public var action: String
        /// Which pupil.
        public var ine: String
        /// Which version.
        public var version: String
    }
}

/// The public « Vérifier un document ».
public struct VerifyPage: WebPage {
    /// The template.
    public static let template = "verifier"
    /// Header, menu, notices.
    public var chrome: WebChrome
    /// The form's CSRF token.
    public var csrf: String
    /// The errors summarised at the top.
    public var resume: ErrorSummary?
    /// The file and code fields.
    public var champs: [FormField]
    /// The answer, in plain words.
    public var verdict: Verdict?

    /// The answer.
    public struct Verdict: Sendable {
        /// Whether the document is authentic.
        public var authentique: Bool
        /// « Document authentique » or « Document non reconnu ».
        public var titre: String
        /// The sentences: issued by, version, or why not.
        public var phrases: [String]
    }
}
