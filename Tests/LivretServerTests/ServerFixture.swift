import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import LivretTestSupport
import Logging
import Synchronization
import Testing

/// An archive home with three pupils (two divisions, one of them with two versions), a jury
/// package entry in the journal, and one user per role.
struct ServerFixture {
    let home: URL
    var tokens: [String: String] = [:]
    /// INEs: `a` in 1S1 (two versions), `b` in 1S2, `c` in TS1 (a jury candidate).
    static let a = "123456789AB"
    static let b = "234567890BC"
    static let c = "345678901CD"
    static let pdfA1 = Data("%PDF-1.4 A v1\n%%EOF\n".utf8)
    static let pdfA2 = Data("%PDF-1.4 A v2\n%%EOF\n".utf8)

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("livret-server-\(UUID().uuidString)")
        let archive = try Archive(home: home)
        let user = ArchiveUser(name: "Test", address: nil)
        func files(_ pdf: Data, _ division: String) -> [ArchiveFile] {
            [ArchiveFile(logicalPath: "2015-2016/livret.pdf", data: pdf),
             ArchiveFile(logicalPath: "2015-2016/livret.json", data: Data("{\"division\":\"\(division)\"}".utf8))]
        }
        _ = try archive.put(ine: Self.a, files: files(Self.pdfA1, "1S1"), message: "v1", user: user, metadata: ArchiveMetadata(division: "1S1", year: "2015"))
        _ = try archive.put(ine: Self.a, files: files(Self.pdfA2, "1S1"), message: "v2", user: user, metadata: ArchiveMetadata(division: "1S1", year: "2015"))
        _ = try archive.put(ine: Self.b, files: files(Data("%PDF-1.4 B\n".utf8), "1S2"), message: "v1", user: user, metadata: ArchiveMetadata(division: "1S2", year: "2015"))
        _ = try archive.put(ine: Self.c, files: files(Data("%PDF-1.4 C\n".utf8), "TS1"), message: "v1", user: user, metadata: ArchiveMetadata(division: "TS1", year: "2015"))
        try Journal(home: home).append(JournalEntry(
            actor: "Test", action: "jury-package", centre: "C01", session: "2016-06", package: "0380001A-C01-2016-06-0123456789ab",
            candidates: ["\(Self.c):v1"], sha256: String(repeating: "a", count: 64)))
        let store = try UserStore(home: home)
        let today = Date()
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        let yesterday = formatter.string(from: today.addingTimeInterval(-86400 * 2))
        let tomorrow = formatter.string(from: today.addingTimeInterval(86400 * 2))
        let users: [(String, Role, Scope)] = [
            ("chef", .chef, Scope()),
            ("secretariat", .secretariat, Scope()),
            ("enseignant", .enseignant, Scope(divisions: ["1S1"])),
            ("cpe", .cpe, Scope()),
            ("jury", .jury, Scope(centre: "C01", session: "2016-06", from: yesterday, until: tomorrow)),
            ("jury-closed", .jury, Scope(centre: "C01", session: "2016-06", from: "2001-01-01", until: "2001-01-31")),
            ("famille", .famille, Scope(ines: [Self.b])),
            ("archiviste", .archiviste, Scope()),
        ]
        for (name, role, scope) in users {
            tokens[name] = try store.add(name: "Test \(name)", role: role, scope: scope).token
        }
    }

    func remove() { try? FileManager.default.removeItem(at: home) }

    var configuration: ServerConfiguration {
        ServerConfiguration(
            archive: home.path, port: 0, keys: home.appendingPathComponent("no-keys").path,
            nomenclature: TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml").path,
            maxScanBytes: 1024, verifyPerMinute: 1000)
    }

    func journal() throws -> [JournalEntry] { try Journal(home: home).entries() }
}

/// A log handler that keeps every line (message and metadata) in memory (a value, as swift-log
/// expects: copies of a logger may change their level).
struct CapturingLogHandler: LogHandler {
    static let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { _, new in new }
        Self.lines.withLock { $0.append("\(level) \(message) \(all)") }
    }
}
