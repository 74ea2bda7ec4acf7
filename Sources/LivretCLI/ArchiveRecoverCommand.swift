import ArgumentParser
import LivretArchive

struct ArchiveRecoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Finish or roll back writes interrupted by a crash, in every object (every command does it for pending writes).")

    @OptionGroup var options: ArchiveOptions

    func run() throws {
        let archive = try options.open()
        let report = try archiveCall { try archive.recover() }
        for path in report.objectsRepaired { print("repaired \(path)") }
        for path in report.directoriesRemoved { print("removed empty directory \(path)") }
        print("recover: \(report.transactionsCleaned) interrupted write(s) cleaned, \(report.objectsRepaired.count) object(s) repaired")
    }
}
