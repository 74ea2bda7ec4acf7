import Foundation

/// What a request may do, by role (refused with 403 and journaled), and which pupils a principal
/// may see (the others answer 404, as an INE that does not exist: a user cannot learn whether a
/// pupil they may not see exists). The one place where roles are turned into permissions: the API
/// and the web pages both ask it.
public struct AccessPolicy: Sendable {
    /// What a route does, as the policy sees it.
    public enum Capability: String, Sendable, CaseIterable {
        /// Upload the exchange files into a new dataset.
        case importDataset
        /// List the datasets.
        case listDatasets
        /// Start, follow and download print runs.
        case printRun
        /// List pupils (each principal sees only theirs).
        case listPupils
        /// Read a pupil's livret (PDF, JSON) and its versions.
        case readLivret
        /// Create jury packages.
        case makeJuryPackage
        /// List and download jury packages (the archiviste's export).
        case readJuryPackages
        /// The jury's own view of its candidates.
        case juryCandidates
        /// Read and verify the journal.
        case journal
        /// Create, list and revoke users.
        case manageUsers
        /// Record a returned receipt stub (a scan archived).
        case recordStub
        /// Read an archived stub's scan (the family's signature).
        case readStub
    }

    /// The Europe/Paris calendar, for the jury's dates.
    let calendar: Calendar

    /// The policy.
    public init() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        self.calendar = calendar
    }

    /// The roles allowed `capability` (the table of the README).
    public static func roles(for capability: Capability) -> Set<Role> {
        switch capability {
        case .importDataset, .listDatasets, .printRun, .makeJuryPackage, .manageUsers, .recordStub, .readStub: [.chef, .secretariat]
        case .listPupils, .readLivret: [.chef, .secretariat, .enseignant, .cpe, .jury, .famille]
        case .readJuryPackages: [.chef, .secretariat, .archiviste]
        case .juryCandidates: [.jury]
        case .journal: [.chef, .archiviste]
        }
    }

    /// Whether `principal` may use `capability` at `now` (a jury member only between their dates).
    public func allows(_ capability: Capability, for principal: Principal, now: Date = Date()) -> Bool {
        guard Self.roles(for: capability).contains(principal.role) else { return false }
        if principal.role == .jury { return isWithinDates(principal.scope, now: now) }
        return true
    }

    /// Whether `now` (Europe/Paris) is between the scope's `from` and `until` days, inclusive.
    public func isWithinDates(_ scope: Scope, now: Date) -> Bool {
        guard let from = scope.from, let until = scope.until else { return false }
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        let today = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return from <= today && today <= until
    }

    /// What the policy needs to know of a pupil to decide whether a principal may see them.
    public struct PupilFacts: Sendable {
        /// The INE.
        public var ine: String
        /// The divisions the pupil was in (any school year).
        public var divisions: Set<String>
        /// Whether the pupil is a candidate of a jury package sent to the principal's centre and session.
        public var isJuryCandidate: Bool

        /// Facts about a pupil.
        public init(ine: String, divisions: Set<String>, isJuryCandidate: Bool) {
            self.ine = ine
            self.divisions = divisions
            self.isJuryCandidate = isJuryCandidate
        }
    }

    /// Whether `principal` may see the pupil (checked after ``allows(_:for:now:)``).
    public func maySee(_ pupil: PupilFacts, principal: Principal) -> Bool {
        switch principal.role {
        case .chef, .secretariat, .cpe: true
        case .enseignant: !pupil.divisions.isDisjoint(with: principal.scope.divisions)
        case .jury: pupil.isJuryCandidate
        case .famille: principal.scope.ines.contains(pupil.ine)
        case .archiviste: false
        }
    }
}
