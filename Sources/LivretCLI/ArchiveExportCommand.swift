import ArgumentParser
import Foundation
import LivretArchive

struct ArchiveExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Copy a pupil's object, whole, to a directory (the object root) or a .tar file.")

    @OptionGroup var options: ArchiveOptions

    @Option(help: "The pupil's INE.")
    var ine: String

    @Option(name: .shortAndLong, help: "A new directory, or a file ending in .tar.")
    var output: String

    func validate() throws {
        try requirePath(output, option: "-o")
    }

    func run() throws {
        let archive = try options.open()
        let head = try archiveCall { try archive.export(ine: ineArgument(ine), to: URL(fileURLWithPath: output)) }
        print("exported \(Archive.objectID(ine: ineArgument(ine))) \(head) to \(output)")
    }
}
