import Foundation
import Hummingbird
import LivretArchive
import LivretJury
import LivretModel
import LivretPipeline
import LivretSign
import Logging
import Synchronization

/// What every route (API and web pages) works with: the archive, the users, the policy, the
/// journal, the executor for blocking work, the print-run jobs. Built once by
/// ``buildApplication(configuration:logger:)``.
public final class LivretServices: Sendable {
    /// The configuration served.
    public let configuration: ServerConfiguration
    /// The archive home's archive.
    public let archive: Archive
    /// The users and their token digests.
    public let users: UserStore
    /// Roles → permissions, pupils in scope.
    public let policy: AccessPolicy
    /// The journal every consultation and refusal is appended to.
    public let journal: JournalWriter
    /// Where blocking work runs (never on the event loops).
    public let executor: BlockingExecutor
    /// The print runs.
    public let jobs: PrintRunJobs
    /// The datasets imported.
    public let datasets: Datasets
    /// The service's logger (never a mark, an appreciation or a token).
    public let logger: Logger
    /// Public verification: requests per address and minute.
    let verifyLimiter: RateLimiter

    /// Opens the archive home of `configuration` (users, journal, jobs…); `buildApplication` does it once.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "livret.server")) throws {
        self.configuration = configuration
        self.logger = logger
        var archiveLogger = logger
        archiveLogger.logLevel = max(logger.logLevel, .warning)
        archive = try Archive(home: configuration.home, logger: archiveLogger)
        users = try UserStore(home: configuration.home)
        policy = AccessPolicy()
        journal = JournalWriter(journal: Journal(home: configuration.home))
        executor = BlockingExecutor(width: configuration.blockingWidth, label: "livret.server")
        try FileManager.default.createDirectory(at: configuration.serviceFolder, withIntermediateDirectories: true)
        jobs = try PrintRunJobs(folder: configuration.serviceFolder, logger: logger)
        datasets = try Datasets(serviceFolder: configuration.serviceFolder)
        verifyLimiter = RateLimiter(perMinute: configuration.verifyPerMinute)
    }

    // MARK: authentication and authorization

    /// The principal holding `token`, nil when the token is unknown or revoked.
    public func principal(token: String) async throws -> Principal? {
        let users = self.users
        return try await executor.run { try users.user(token: token)?.principal }
    }

    /// The request's principal when the role allows `capability`: throws 401 when anonymous, 403
    /// (journaled) when the role does not allow it.
    @discardableResult
    public func authorize(_ capability: AccessPolicy.Capability, _ request: Request, _ context: LivretRequestContext) async throws -> Principal {
        guard let principal = context.principal else { throw Problem.unauthenticated() }
        guard policy.allows(capability, for: principal) else {
            await recordRefusal(principal: principal, address: context.address, request: Self.requestLine(request), ine: nil, status: 403)
            throw Problem.forbidden()
        }
        return principal
    }

    /// `GET /api/pupils/…` (the path, without the query).
    public static func requestLine(_ request: Request) -> String { "\(request.method) \(request.uri.path)" }

    // MARK: the journal

    /// Appends a consultation (a livret or receipt read) to the journal; throws 503 when it cannot
    /// be appended, and then the caller must not answer with the document.
    public func recordConsultation(
        principal: Principal, address: String?, request: String, ine: String, version: String?, sha256: String?
    ) async throws {
        let entry = JournalEntry(
            actor: principal.journalName, action: "consult", role: principal.role.rawValue, address: address, request: request, ine: ine,
            object: Archive.objectID(ine: ine), version: version, sha256: sha256)
        let journal = self.journal
        do {
            try await executor.run { try journal.append(entry) }
        } catch {
            logger.error("journal.append.failed", metadata: ["error": "\(error)"])
            throw Problem(.serviceUnavailable, title: "Journal unavailable",
                          detail: "the consultation cannot be recorded in the journal, so it is refused", headers: [.retryAfter: "60"])
        }
    }

    /// Appends a refusal (403, or 404 for a pupil out of scope) to the journal; a failure is logged
    /// (the request is refused anyway).
    public func recordRefusal(principal: Principal, address: String?, request: String, ine: String?, status: Int) async {
        let entry = JournalEntry(
            actor: principal.journalName, action: "refuse", role: principal.role.rawValue, address: address, request: request, ine: ine,
            status: status)
        let journal = self.journal
        do {
            try await executor.run { try journal.append(entry) }
        } catch {
            logger.error("journal.append.failed", metadata: ["error": "\(error)", "action": "refuse"])
        }
    }

    // MARK: pupils

    /// The INEs of the candidates of jury packages sent to `centre` for `session`.
    public func juryCandidates(centre: String?, session: String?) async throws -> Set<String> {
        guard let centre, let session else { return [] }
        let home = configuration.home
        let entries = try await executor.run { () throws -> [JournalEntry] in try JuryPackager.sent(archiveHome: home) }
        var result: Set<String> = []
        for entry in entries where entry.centre == centre && entry.session == session {
            for candidate in entry.candidates ?? [] {
                let parts = candidate.split(separator: ":")
                if parts.count == 2, parts[1] != "absent" { result.insert(String(parts[0])) }
            }
        }
        return result
    }

    /// The archived pupils matching `filter` that `principal` may see.
    public func pupils(_ filter: ObjectFilter, principal: Principal) async throws -> [ObjectSummary] {
        let archive = self.archive
        let all = try await executor.run { try archive.list(filter) }
        let candidates = principal.role == .jury ? try await juryCandidates(centre: principal.scope.centre, session: principal.scope.session) : []
        return all.filter { summary in
            guard let ine = summary.ine else { return false }
            let facts = AccessPolicy.PupilFacts(
                ine: ine, divisions: Set(summary.scolarites.compactMap(\.division)), isJuryCandidate: candidates.contains(ine))
            return policy.maySee(facts, principal: principal)
        }
    }

    /// The pupil `ine` when it exists and `principal` may see it; otherwise 404 (the same answer
    /// in both cases; a pupil out of scope is journaled as a refusal).
    public func visiblePupil(_ ine: String, principal: Principal, address: String?, request: String) async throws -> ObjectSummary {
        guard Identifiers.ineKind(ine) != nil else { throw Problem.noSuchPupil() }
        let archive = self.archive
        let found = try await executor.run { try archive.list(ObjectFilter(ine: ine)) }.first
        guard let found else { throw Problem.noSuchPupil() }
        let candidates = principal.role == .jury ? try await juryCandidates(centre: principal.scope.centre, session: principal.scope.session) : []
        let facts = AccessPolicy.PupilFacts(ine: ine, divisions: Set(found.scolarites.compactMap(\.division)), isJuryCandidate: candidates.contains(ine))
        guard policy.maySee(facts, principal: principal) else {
            await recordRefusal(principal: principal, address: address, request: request, ine: ine, status: 404)
            throw Problem.noSuchPupil()
        }
        return found
    }

    /// A pupil's livret read for `principal`: the bytes of `<year>/livret.<format>` in `version`
    /// (default: the head; year default: the latest with that file), recorded in the journal first.
    public func readLivret(
        ine: String, format: String, version: String?, year: String?, principal: Principal, address: String?, request: String
    ) async throws -> (data: Data, version: String, year: String) {
        _ = try await visiblePupil(ine, principal: principal, address: address, request: request)
        if let version, !Self.isVersionName(version) {
            throw Problem(.badRequest, detail: "version", problems: [Problem.Item(field: "version", message: "not a version name (v1, v2…)")])
        }
        if let year, !Identifiers.isSchoolYear(year) {
            throw Problem(.badRequest, detail: "year", problems: [Problem.Item(field: "year", message: "not a school year (2015-2016)")])
        }
        let archive = self.archive
        let inventory = try await executor.run { try archive.inventory(ine: ine) }
        let name = version ?? inventory.head
        guard inventory.versions[name] != nil else {
            throw Problem(.notFound, detail: "no version \(name) of this pupil (head \(inventory.head))")
        }
        let paths = inventory.logicalPaths(in: name).keys
        let file = "livret.\(format)"
        let years = paths.compactMap { path -> String? in
            let parts = path.split(separator: "/")
            return parts.count == 2 && parts[1] == file ? String(parts[0]) : nil
        }.sorted()
        guard let chosen = year ?? years.last, years.contains(chosen) else {
            throw Problem(.notFound, detail: "no \(file) in version \(name)\(year.map { " for \($0)" } ?? "")")
        }
        let logical = "\(chosen)/\(file)"
        let data = try await executor.run { try archive.get(ine: ine, logicalPath: logical, version: name) }
        let digest = Digests.sha256(data)
        try await recordConsultation(principal: principal, address: address, request: request, ine: ine, version: name, sha256: digest)
        return (data, name, chosen)
    }

    static func isVersionName(_ text: String) -> Bool {
        text.count <= 10 && text.hasPrefix("v") && text.count > 1 && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// A fixed-window limiter: at most `perMinute` requests per key (a client address) per minute.
final class RateLimiter: Sendable {
    let perMinute: Int
    private let state = Mutex<(minute: Int, counts: [String: Int])>((0, [:]))

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Whether one more request from `key` is allowed now (and counts it).
    func allow(_ key: String, now: Date = Date()) -> Bool {
        let minute = Int(now.timeIntervalSince1970 / 60)
        return state.withLock { state in
            if state.minute != minute { state = (minute, [:]) }
            let count = state.counts[key, default: 0]
            guard count < perMinute else { return false }
            state.counts[key] = count + 1
            return true
        }
    }
}
