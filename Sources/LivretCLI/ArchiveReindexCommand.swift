import ArgumentParser
import LivretArchive

struct ArchiveReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Rebuild the SQLite index from the storage root alone.")

    @OptionGroup var options: ArchiveOptions

    func run() throws {
        let archive = try options.open()
        let count = try archiveCall { try archive.reindex() }
        print("reindexed \(count) object(s)")
    }
}
