import Foundation
import GRDB

/// The SQLite index beside the storage root (GRDB, WAL): objects, versions, files with their
/// digests, and the school years/divisions of each pupil. It is a cache of the storage root:
/// `rebuild(_:)` replaces it whole in one transaction, and an index without the `complete` mark
/// (missing, or a rebuild that died) is rebuilt by `Archive` before use.
final class ArchiveIndex: Sendable {
    let pool: DatabasePool
    let path: String

    init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in
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
                    """)
            }
        } catch {
            throw ArchiveError.index("cannot open \(path): \(error)")
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
