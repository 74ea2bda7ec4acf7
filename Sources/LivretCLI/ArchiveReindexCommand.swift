import ArgumentParser
import LivretArchive

struct ArchiveReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex", abstract: "Rebuild the SQLite index from the storage root alone.")

    @OptionGroup var options: ArchiveOptions

    func run() throws {
        // The old index is deleted without being opened; opening the archive rebuilds it.
        let archive = try options.open(recreateIndex: true)
        let count = try archiveCall { try archive.list().count }
        print("reindexed \(count) object(s)")
    }
}
