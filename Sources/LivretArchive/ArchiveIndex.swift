import Foundation
import GRDB
import Logging
import Synchronization

/// The SQLite index beside the storage root (GRDB, WAL): objects, versions, files with their
/// digests, and the school years/divisions of each pupil. It is a cache of the storage root:
/// `rebuild(_:)` replaces it whole in one transaction, and an index without the `complete` mark
/// (missing, or a rebuild that died) is rebuilt by `Archive` before use.
final class ArchiveIndex: Sendable {
    let pool: DatabasePool
    let path: String

    /// The schema this code writes, kept in `PRAGMA user_version`. An index of any other version
    /// (older, or from a later livret) is not used: it is set aside and rebuilt.
    static let schemaVersion = 2

    static let tables: [String: [String]] = [
        "meta": ["key", "value"],
        "object": ["id", "ine", "path", "head", "updated", "files"],
        "version": ["objectId", "name", "number", "created", "userName", "userAddress", "message"],
        "file": ["objectId", "version", "logicalPath", "digest", "contentPath"],
        "scolarite": ["objectId", "year", "division"],
    ]

    /// Why an index file cannot be used and must be set aside: not a database, damaged pages
    /// (`PRAGMA quick_check`), or another schema. Other failures (busy, I/O, permissions) are
    /// `ArchiveError.index` and never cause an index to be set aside.
    struct Unusable: Error, CustomStringConvertible {
        var description: String
        /// A sound database written by another version of livret (another schema): nothing is
        /// wrong with it, it is simply not this code's cache. Replaced without a warning.
        var otherSchema = false
    }

    /// Opens the index at `path` (creating it when missing), checking that it is a database
    /// (`PRAGMA quick_check`) with this code's schema; throws `Unusable` when it is not,
    /// `ArchiveError.index` when SQLite fails otherwise.
    init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Not a database at all: refused before SQLite opens it (and drops its -wal/-shm).
        if let handle = FileHandle(forReadingAtPath: path) {
            let header = (try? handle.read(upToCount: 16)) ?? Data()
            try? handle.close()
            if !header.isEmpty && header != Data("SQLite format 3\u{0}".utf8) {
                throw Unusable(description: "\(path) is not an SQLite database (bad header)")
            }
        }
        var opened: DatabasePool?
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            opened = pool
            try pool.writeWithoutTransaction { db in try db.inTransaction(.immediate) {
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw Unusable(description: "\(path) fails PRAGMA quick_check: \(check.prefix(3).joined(separator: "; "))")
                }
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if version == 0 && objects == 0 {
                    try Self.createSchema(db)
                } else if version != Self.schemaVersion {
                    throw Unusable(description: "\(path) has schema version \(version), not \(Self.schemaVersion)", otherSchema: true)
                }
                for (table, columns) in Self.tables {
                    let present = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { row -> String in row["name"] })
                    guard Set(columns).isSubset(of: present) else {
                        throw Unusable(description: "\(path): table \(table) lacks columns \(Set(columns).subtracting(present).sorted())", otherSchema: true)
                    }
                }
                return .commit
            } }
            self.pool = pool
        } catch {
            try? opened?.close()
            if error is Unusable || error is ArchiveError { throw error }
            if let error = error as? DatabaseError, [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
                throw Unusable(description: "cannot open \(path): \(error)")
            }
            throw ArchiveError.index("cannot open \(path): \(error)")
        }
    }

    /// Opens (creating) the index at `path`; every failure is an `ArchiveError.index`.
    static func create(path: String) throws -> ArchiveIndex {
        do {
            return try ArchiveIndex(path: path)
        } catch let error as Unusable {
            throw ArchiveError.index(error.description)
        }
    }

    private static func createSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS object(
                id TEXT PRIMARY KEY, ine TEXT, path TEXT NOT NULL, head TEXT NOT NULL,
                updated TEXT NOT NULL, files TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS object_ine ON object(ine);
            CREATE TABLE IF NOT EXISTS version(
                objectId TEXT NOT NULL, name TEXT NOT NULL, number INTEGER NOT NULL, created TEXT NOT NULL,
                userName TEXT, userAddress TEXT, message TEXT, PRIMARY KEY(objectId, name));
            CREATE TABLE IF NOT EXISTS file(
                objectId TEXT NOT NULL, version TEXT NOT NULL, logicalPath TEXT NOT NULL,
                digest TEXT NOT NULL, contentPath TEXT NOT NULL, PRIMARY KEY(objectId, version, logicalPath));
            CREATE INDEX IF NOT EXISTS file_digest ON file(digest);
            CREATE TABLE IF NOT EXISTS scolarite(
                objectId TEXT NOT NULL, year TEXT NOT NULL, division TEXT, PRIMARY KEY(objectId, year));
            CREATE INDEX IF NOT EXISTS scolarite_division ON scolarite(division, year);
            PRAGMA user_version = \(schemaVersion);
            """)
    }

    /// The index file and SQLite's companions of it.
    static func files(_ path: String) -> [String] { [path, path + "-wal", path + "-shm", path + "-journal"] }

    /// Opens the index; when it cannot be used (not a database, damaged, another schema), sets it
    /// aside as `<path>.corrupt-<UTC time>` (with its -wal/-shm), warns naming that file, and
    /// creates an empty one (without the `complete` mark, so the caller rebuilds it).
    static func openRepairing(path: String, locksPath: String, logger: Logger) throws -> ArchiveIndex {
        do {
            return try ArchiveIndex(path: path)
        } catch is Unusable {
            // set aside below, under the index lock
        }
        guard let lock = try FileLock(path: locksPath + "/index.lock", exclusive: true) else {
            throw ArchiveError.index("cannot lock \(locksPath)/index.lock")
        }
        defer { lock.unlock() }
        do {
            return try ArchiveIndex(path: path)  // maybe set aside meanwhile by another process
        } catch let error as Unusable where error.otherSchema {
            // A cache of another schema: dropped and rebuilt, nothing to keep or to warn about.
            for file in files(path) { try FileSystem.removeTree(file) }
            logger.info("archive.index.rebuild: \(error); rebuilding it from the storage root", metadata: ["index.path": "\(path)"])
            return try create(path: path)
        } catch let error as Unusable {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            var aside = path + ".corrupt-" + formatter.string(from: Date())
            var suffix = 1
            while FileSystem.exists(aside) {
                suffix += 1
                aside = path + ".corrupt-" + formatter.string(from: Date()) + "-\(suffix)"
            }
            for (file, moved) in zip(files(path), files(aside)) where FileSystem.exists(file) {
                try FileSystem.rename(file, moved)
            }
            logger.warning(
                "archive.index.corrupt: \(path) cannot be used (\(error)); set aside as \(aside), rebuilding it from the storage root",
                metadata: ["index.path": "\(path)", "index.aside": "\(aside)"])
            return try create(path: path)
        }
    }

    /// Whether a full build of the index has completed.
    func isComplete() throws -> Bool {
        try wrap("read") {
            try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'complete'") != nil }
        }
    }

    /// Replaces the whole index with `entries`, in one transaction.
    func rebuild(_ entries: [ObjectIndexEntry]) throws {
        try wrap("rebuild") {
            try pool.write { db in
                for table in ["object", "version", "file", "scolarite", "meta"] { try db.execute(sql: "DELETE FROM \(table)") }
                for entry in entries { try insert(entry, db) }
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('complete', ?)", arguments: [ISO8601DateFormatter().string(from: Date())])
            }
        }
    }

    /// Replaces one object's rows.
    func update(_ entry: ObjectIndexEntry) throws {
        try wrap("update \(entry.id)") {
            try pool.write { db in
                try delete(entry.id, db)
                try insert(entry, db)
            }
        }
    }

    private func delete(_ id: String, _ db: Database) throws {
        for table in ["version", "file", "scolarite"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE objectId = ?", arguments: [id])
        }
        try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [id])
    }

    private func insert(_ entry: ObjectIndexEntry, _ db: Database) throws {
        let inventory = entry.inventory
        let headFiles = inventory.logicalPaths(in: inventory.head).keys.sorted()
        try db.execute(
            sql: "INSERT INTO object(id, ine, path, head, updated, files) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [entry.id, entry.ine, entry.path, inventory.head, inventory.versions[inventory.head]?.created ?? "", headFiles.joined(separator: "\n")])
        for name in inventory.versionNames {
            guard let version = inventory.versions[name] else { continue }
            try db.execute(
                sql: "INSERT INTO version(objectId, name, number, created, userName, userAddress, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [entry.id, name, OCFLInventory.versionNumber(name) ?? 0, version.created, version.user?.name, version.user?.address, version.message])
            for (digest, paths) in version.state {
                let content = inventory.manifestKey(forDigest: digest).flatMap { inventory.manifest[$0]?.first } ?? ""
                for path in paths {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO file(objectId, version, logicalPath, digest, contentPath) VALUES (?, ?, ?, ?, ?)",
                        arguments: [entry.id, name, path, digest.lowercased(), content])
                }
            }
        }
        for (year, division) in entry.scolarites {
            try db.execute(
                sql: "INSERT INTO scolarite(objectId, year, division) VALUES (?, ?, ?)", arguments: [entry.id, year, division])
        }
    }

    /// Objects matching `filter`, ordered by id.
    func list(_ filter: ObjectFilter) throws -> [ObjectSummary] {
        try wrap("list") {
            try pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, ine, path, head, updated, files FROM object o
                        WHERE (?1 IS NULL OR o.ine = ?1 OR o.id = ?1)
                          AND ((?2 IS NULL AND ?3 IS NULL) OR EXISTS (
                              SELECT 1 FROM scolarite s WHERE s.objectId = o.id
                              AND (?2 IS NULL OR s.division = ?2) AND (?3 IS NULL OR s.year = ?3)))
                        ORDER BY id
                        """,
                    arguments: [filter.ine, filter.division, filter.year])
                var scolarites: [String: [ObjectSummary.Scolarite]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT objectId, year, division FROM scolarite ORDER BY objectId, year") {
                    scolarites[row["objectId"], default: []].append(ObjectSummary.Scolarite(year: row["year"], division: row["division"]))
                }
                return rows.map { row in
                    let id: String = row["id"]
                    let files: String = row["files"]
                    return ObjectSummary(
                        id: id, ine: row["ine"], path: row["path"], head: row["head"], updated: row["updated"],
                        scolarites: scolarites[id] ?? [], files: files.isEmpty ? [] : files.components(separatedBy: "\n"))
                }
            }
        }
    }

    private func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw ArchiveError.index("\(what) in \(path): \(error)")
        }
    }
}

/// The index an `Archive` uses, replaced whole by `reindex()`.
///
/// The index is a cache: when it cannot be opened (a full disk, a read-only file) or an update
/// of it failed (it is then *stale*), the archive reads from the storage root instead
/// (`isUsable` is false) and never fails a read or a recovery because of it.
/// Its state (the index, and whether an update failed) is read and replaced under a `Mutex`.
final class IndexHolder: Sendable {
    private struct State {
        var current: ArchiveIndex?
        var stale = false
    }

    private let state: Mutex<State>

    init(index: ArchiveIndex?) { state = Mutex(State(current: index)) }

    func index() throws -> ArchiveIndex {
        let current = state.withLock { $0.current }
        guard let current else { throw ArchiveError.index("the index could not be opened (the storage root is read instead)") }
        return current
    }

    /// Whether the index can answer queries: opened, and no update of it has failed.
    var isUsable: Bool { state.withLock { $0.current != nil && !$0.stale } }

    /// Records that an update failed: queries go to the storage root from now on.
    func markStale() { state.withLock { $0.stale = true } }

    func replace(_ make: () throws -> ArchiveIndex) throws {
        try state.withLock { state in
            state.current = try make()
            state.stale = false
        }
    }
}
