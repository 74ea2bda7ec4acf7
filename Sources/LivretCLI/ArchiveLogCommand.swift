import ArgumentParser
import Foundation
import LivretArchive
import LivretModel

struct ArchiveLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The versions of a pupil's object: vN, created, user, message, changed paths.")

    @OptionGroup var options: ArchiveOptions

    @Option(help: "The pupil's INE (or urn:lsl:uai:UAI for the lycée's object: certificates, sealed journal).")
    var ine: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let archive = try options.open()
        let inventory = try archiveCall {
            let id = try Archive.objectID(naming: ine)
            guard let inventory = try archive.inventory(objectID: id) else { throw ArchiveError.notFound("no object \(id) in \(archive.rootPath)") }
            return inventory
        }
        let history = Archive.history(inventory)
        if json {
            let items: [[String: Any]] = history.map { version in
                var item: [String: Any] = [
                    "version": version.name, "created": version.created, "message": version.message ?? "",
                    "added": version.added, "modified": version.modified, "removed": version.removed,
                ]
                if let user = version.user { item["user"] = ["name": user.name, "address": user.address ?? ""] }
                return item
            }
            let data = try JSONSerialization.data(withJSONObject: ["id": inventory.id, "versions": items], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        // Every value may come from another program's object: each is escaped whole (a line feed
        // in a user or a path shows as \u{A}); a message keeps its lines, each indented and escaped.
        let safe = { (text: String) in MessageText.escaped(text) }
        print(safe(inventory.id))
        for version in history.reversed() {
            let user = version.user.map { $0.name + ($0.address.map { " <\($0)>" } ?? "") } ?? "-"
            print("\(safe(version.name))  \(safe(version.created))  \(safe(user))")
            for line in (version.message ?? "").split(separator: "\n", omittingEmptySubsequences: false) { print("    \(safe(String(line)))") }
            for path in version.added { print("    A \(safe(path))") }
            for path in version.modified { print("    M \(safe(path))") }
            for path in version.removed { print("    D \(safe(path))") }
        }
    }
}
