import Foundation
import LivretImport
import LivretModel

/// The datasets imported through the service: `service/datasets/<id>/` in the archive home, as
/// `livret import` writes them (one `<INE>.json` per pupil and `import-report.json`).
public struct Datasets: Sendable {
    /// `service/datasets`.
    public let folder: URL

    init(serviceFolder: URL) throws {
        folder = serviceFolder.appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A dataset's id: `ds-` and 16 lowercase hex digits (checked before it touches a path).
    public static func isID(_ id: String) -> Bool {
        id.count == 19 && id.hasPrefix("ds-") && id.dropFirst(3).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "ds-" + (0..<8).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// The folder of dataset `id` when it exists.
    public func folder(_ id: String) -> URL? {
        guard Self.isID(id) else { return nil }
        let url = folder.appendingPathComponent(id)
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("import-report.json").path) ? url : nil
    }

    /// One dataset as listed.
    public struct Item: Codable, Sendable {
        /// Its id.
        public var id: String
        /// When it was imported (UTC, ISO 8601).
        public var created: String
        /// How many pupils (documents) it holds.
        public var pupils: Int
    }

    /// Every dataset, newest first.
    public func list() -> [Item] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var items: [Item] = []
        for name in names where Self.isID(name) {
            guard let url = folder(name), let attributes = try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("import-report.json").path)
            else { continue }
            let count = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".json") && $0 != "import-report.json" }.count
            let date = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            items.append(Item(id: name, created: PrintRunJobs.timestamp(date), pupils: count))
        }
        return items.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
    }

    /// What an import answers.
    public struct Imported: Codable, Sendable {
        /// The new dataset's id.
        public var id: String
        /// How many pupils.
        public var pupils: Int
        /// The warnings (kept in the dataset's report too).
        public var warnings: [ImportIssue]
    }

    /// Imports the exchange files into a new dataset, all or nothing (blocking: run it off the event loops).
    public func importFiles(_ inputs: ImportInputs) throws -> Imported {
        let prepared: PreparedImport
        do {
            prepared = try Importer.prepare(inputs)
        } catch {
            throw Problem(
                .unprocessableContent, title: "Import refused",
                detail: "\(error.errors.count) error(s); nothing written",
                problems: error.errors.map { Problem.Item(file: $0.file, line: $0.line, column: $0.column, field: $0.field, message: $0.message) })
        }
        let id = Self.newID()
        try DatasetDirectory.write(to: folder.appendingPathComponent(id)) { add in
            try prepared.encode { try add($0.fileName, $0.data) }
            try add("import-report.json", prepared.report.encoded())
        }
        return Imported(id: id, pupils: prepared.count, warnings: prepared.report.warnings)
    }
}
