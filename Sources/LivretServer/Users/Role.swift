/// A user's role, as `livret users add --role` names it. What each may do is ``AccessPolicy``'s.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Chef d'établissement: everything of the lycée.
    case chef
    /// Secrétariat: everything of the lycée.
    case secretariat
    /// Enseignant: reads the livrets of their divisions.
    case enseignant
    /// Conseiller principal d'éducation: reads every livret of the lycée.
    case cpe
    /// Jury member: reads the candidates of their centre and session, between two dates.
    case jury
    /// Famille: their own child's livrets (and receipts).
    case famille
    /// Archiviste: verification, export (jury packages), the journal; not the livrets themselves.
    case archiviste
}

/// What a user may see beyond their role: their divisions, their centre and session and its dates,
/// their children.
public struct Scope: Codable, Sendable, Equatable {
    /// For an enseignant: the division codes they teach.
    public var divisions: [String]
    /// For a jury member: the deliberation centre.
    public var centre: String?
    /// For a jury member: the session (`2016-06`).
    public var session: String?
    /// For a jury member: the first day of access (YYYY-MM-DD, Europe/Paris), inclusive.
    public var from: String?
    /// For a jury member: the last day of access (YYYY-MM-DD, Europe/Paris), inclusive.
    public var until: String?
    /// For a famille: the INEs of their children.
    public var ines: [String]

    /// A scope; empty fields restrict nothing the role does not already restrict.
    public init(divisions: [String] = [], centre: String? = nil, session: String? = nil, from: String? = nil, until: String? = nil, ines: [String] = []) {
        self.divisions = divisions
        self.centre = centre
        self.session = session
        self.from = from
        self.until = until
        self.ines = ines
    }
}

/// Who is asking: an authenticated user, with their role and scope (never their token).
public struct Principal: Sendable, Equatable {
    /// The user's number in the user store.
    public var id: Int64
    /// The user's name.
    public var name: String
    /// The user's role.
    public var role: Role
    /// What the user may see beyond their role.
    public var scope: Scope

    /// A principal.
    public init(id: Int64, name: String, role: Role, scope: Scope) {
        self.id = id
        self.name = name
        self.role = role
        self.scope = scope
    }

    /// How the journal names the user: `Name (role #id)`.
    public var journalName: String { "\(name) (\(role.rawValue) #\(id))" }
}
