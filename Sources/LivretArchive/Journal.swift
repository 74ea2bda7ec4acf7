import Crypto
import Foundation

/// One entry of the journal: what was issued, to whom, when, by whom. Never a mark or an
/// appreciation: only identifiers and digests.
public struct JournalEntry: Codable, Sendable, Equatable {
    /// Position in the chain, from 1.
    public var seq: Int
    /// When (UTC, ISO 8601).
    public var time: String
    /// Who (a user name, `Name <address>`).
    public var actor: String
    /// What: `print-run`, `render-sign`, `receipt`, `stub`, `jury-package`…
    public var action: String
    /// The pupil, when the entry concerns one.
    public var ine: String?
    /// The archive object and version issued (`urn:lsl:ine:…`, `v3`), when archived.
    public var object: String?
    /// The object's version issued (`v3`), when archived.
    public var version: String?
    /// SHA-256 (hex) of the bytes issued.
    public var sha256: String?
    /// For a jury package: the deliberation centre it was sent to (or received by).
    public var centre: String?
    /// For a jury package: the session (`2016-06`).
    public var session: String?
    /// For a jury package: its id (the bag's External-Identifier).
    public var package: String?
    /// For a jury package: each candidate as `INE:version` (`INE:absent` when missing).
    public var candidates: [String]?
    /// For a jury package received: the UAI of the lycée that sent it.
    public var uai: String?
    /// For a consultation or a refusal through the service: the user's role (`jury`, `famille`…).
    public var role: String?
    /// For a consultation or a refusal through the service: the client's network address.
    public var address: String?
    /// For a refusal through the service: the HTTP status answered (403, 404).
    public var status: Int?
    /// For a consultation or a refusal through the service: what was asked (`GET /api/pupils/…/livret.pdf`).
    public var request: String?
    /// SHA-256 (hex) of the previous entry's line; 64 zeros for the first.
    public var previous: String

    /// A new entry (its `seq` and `previous` are set by ``Journal/append(_:)``).
    public init(time: Date = Date(), actor: String, action: String, ine: String? = nil, object: String? = nil,
                version: String? = nil, sha256: String? = nil) {
        self.seq = 0
        self.time = Archive.timestamp(time)
        self.actor = actor
        self.action = action
        self.ine = ine
        self.object = object
        self.version = version
        self.sha256 = sha256
        self.previous = Journal.genesis
    }

    /// A consultation or a refusal through the service (`action` `consult` or `refuse`): who, with
    /// which role, from which address, what was asked and, for a refusal, the status answered.
    public init(time: Date = Date(), actor: String, action: String, role: String, address: String?, request: String,
                ine: String? = nil, object: String? = nil, version: String? = nil, sha256: String? = nil, status: Int? = nil) {
        self.init(time: time, actor: actor, action: action, ine: ine, object: object, version: version, sha256: sha256)
        self.role = role
        self.address = address
        self.request = request
        self.status = status
    }

    /// A jury-package entry: `sha256` is the digest of the package's signed tag manifest.
    public init(time: Date = Date(), actor: String, action: String, centre: String, session: String, package: String,
                candidates: [String], uai: String? = nil, sha256: String) {
        self.init(time: time, actor: actor, action: action, sha256: sha256)
        self.centre = centre
        self.session = session
        self.package = package
        self.candidates = candidates
        self.uai = uai
    }
}

/// The append-only, hash-chained journal of everything issued: `journal.jsonl` in the archive
/// home, one JSON object per line (keys sorted), each naming the SHA-256 of the line before it.
/// Removing, editing, inserting or reordering an entry breaks the chain at that entry; rewriting
/// the whole chain is caught by a witness: a head (`seq:sha256`) seen elsewhere must still be in it.
public struct Journal: Sendable {
    /// The `previous` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The journal file.
    public let url: URL

    /// The journal of the archive home `home`.
    public init(home: URL) { url = home.appendingPathComponent("journal.jsonl") }

    /// The head of a chain: the last entry's `seq` and the SHA-256 of its line (`12:ab…`).
    public struct Head: Sendable, Equatable, CustomStringConvertible {
        /// The entry's sequence number, from 1.
        public var seq: Int
        /// SHA-256 (hex) of the entry's line.
        public var sha256: String
        /// `seq:sha256`, as `journal verify --witness` takes it.
        public var description: String { "\(seq):\(sha256)" }
        /// `12:3f2a9c1b77de0a41`: the sequence number and the first 16 hex digits (printed on paper).
        public var short: String { "\(seq):\(sha256.prefix(16))" }

        /// Parses `seq:sha256`.
        public init?(_ text: String) {
            let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":")
            guard parts.count == 2, let seq = Int(parts[0]), seq > 0, parts[1].count == 64,
                  parts[1].allSatisfy({ $0.isHexDigit }) else { return nil }
            self.seq = seq
            self.sha256 = parts[1].lowercased()
        }

        init(seq: Int, sha256: String) {
            self.seq = seq
            self.sha256 = sha256
        }
    }

    /// The lines of the file (without their newline), empty when there is no journal yet.
    func lines() throws -> [Data] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ArchiveError.io(operation: "read", path: url.path, errno: EIO) }
        return data.split(separator: 10, omittingEmptySubsequences: true).map { Data($0) }
    }

    static func hash(_ line: Data) -> String { Digests.sha256(line) }

    static func encode(_ entry: JournalEntry) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(entry)
    }

    /// Appends `entry` (its `seq` and `previous` filled in) durably, under an exclusive lock, and
    /// returns the new head. Refuses when the chain is already broken (nothing is appended).
    @discardableResult
    public func append(_ entry: JournalEntry) throws -> Head {
        // `entries` is not empty: a head is always returned.
        try append(contentsOf: [entry])!
    }

    /// Appends `entries` in order (each one's `seq` and `previous` filled in), with one lock, one
    /// check of the chain and one write and `fsync`; returns the new head (nil when `entries` is
    /// empty and the journal too). Refuses when the chain is already broken (nothing is appended).
    @discardableResult
    public func append(contentsOf entries: [JournalEntry]) throws -> Head? {
        let lockPath = url.deletingLastPathComponent().appendingPathComponent("journal.lock").path
        guard let lock = try FileLock(path: lockPath, exclusive: true) else {
            throw ArchiveError.io(operation: "flock", path: lockPath, errno: EWOULDBLOCK)
        }
        defer { lock.unlock() }
        let report = try verify()
        if let problem = report.problem { throw ArchiveError.damaged("\(url.path): \(problem): nothing appended") }
        var head = report.head
        guard !entries.isEmpty else { return head }
        var bytes: [UInt8] = []
        for var entry in entries {
            entry.seq = (head?.seq ?? 0) + 1
            entry.previous = head?.sha256 ?? Self.genesis
            let line = try Self.encode(entry)
            bytes += [UInt8](line) + [10]
            head = Head(seq: entry.seq, sha256: Self.hash(line))
        }
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError.io(operation: "open", path: url.path, errno: errno) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.io(operation: "write", path: url.path, errno: errno)
            }
            written += count
        }
        if fsync(descriptor) != 0 { throw ArchiveError.io(operation: "fsync", path: url.path, errno: errno) }
        return head
    }

    /// The entries, in file order (unreadable lines are left out: ``verify(witness:)`` names them).
    public func entries() throws -> [JournalEntry] {
        try lines().compactMap { try? JSONDecoder().decode(JournalEntry.self, from: $0) }
    }

    /// What ``verify(witness:)`` found.
    public struct Report: Sendable, Equatable {
        /// The number of lines.
        public var count: Int
        /// The head when the chain is intact up to its end.
        public var head: Head?
        /// The first problem, in words (nil when intact and the witness, if any, is in the chain).
        public var problem: String?
    }

    /// Checks the chain from the first entry and names the first entry edited, removed, inserted
    /// or reordered; with `witness`, also that this head is still in today's chain.
    public func verify(witness: Head? = nil) throws -> Report {
        let lines = try lines()
        let allSeqs = lines.map { (try? JSONDecoder().decode(JournalEntry.self, from: $0))?.seq }
        var previousHash = Self.genesis
        var hashes: [String] = []
        var seqs: [Int] = []
        for (index, line) in lines.enumerated() {
            let expected = index + 1
            guard let entry = try? JSONDecoder().decode(JournalEntry.self, from: line) else {
                return Report(count: lines.count, head: nil, problem: "entry \(expected) (line \(expected)) is damaged: not a journal entry")
            }
            if entry.seq > expected {
                if allSeqs[(index + 1)...].contains(expected) {
                    return Report(count: lines.count, head: nil, problem: "entry \(expected) was reordered (line \(expected) holds entry \(entry.seq))")
                }
                let missing = entry.seq - 1 == expected ? "entry \(expected) was removed" : "entries \(expected) to \(entry.seq - 1) were removed"
                return Report(count: lines.count, head: nil, problem: missing)
            }
            if entry.seq < expected {
                let first = (seqs.firstIndex(of: entry.seq) ?? 0) + 1
                return Report(count: lines.count, head: nil,
                              problem: "entry \(entry.seq) appears twice (lines \(first) and \(expected)): an entry was inserted before line \(expected)")
            }
            if entry.previous != previousHash {
                if index > 0, let original = hashes.firstIndex(of: entry.previous), original != index - 1 {
                    return Report(count: lines.count, head: nil, problem: "entry \(expected) was reordered (it followed entry \(seqs[original]))")
                }
                return Report(count: lines.count, head: nil,
                              problem: index == 0 ? "entry 1 was edited (it does not start the chain)" : "entry \(expected - 1) was edited (entry \(expected) no longer matches it)")
            }
            previousHash = Self.hash(line)
            hashes.append(previousHash)
            seqs.append(entry.seq)
        }
        let head = lines.isEmpty ? nil : Head(seq: lines.count, sha256: previousHash)
        if let witness {
            guard witness.seq <= hashes.count else {
                return Report(count: lines.count, head: head, problem: "the witness names entry \(witness.seq), but the journal has \(hashes.count): entries were removed")
            }
            guard hashes[witness.seq - 1] == witness.sha256 else {
                return Report(count: lines.count, head: head,
                              problem: "the witness \(witness.seq):\(witness.sha256.prefix(12))… is not in this journal: entries up to \(witness.seq) were rewritten")
            }
        }
        return Report(count: lines.count, head: head, problem: nil)
    }
}
