import ArgumentParser
import Foundation
import LivretArchive

struct ArchiveImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an object (directory or .tar) from another archive, validated on arrival.",
        discussion: "Refused (exit 1) if the object is not valid OCFL 1.1 or if the archive holds it with a different history.")

    @OptionGroup var options: ArchiveOptions

    @Argument(help: "An object directory or a .tar written by 'livret archive export'.")
    var source: String

    func run() throws {
        let archive = try options.open()
        let result = try archiveCall { try archive.importObject(from: URL(fileURLWithPath: source)) }
        print(result.description)
    }
}
