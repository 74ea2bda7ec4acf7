import ArgumentParser
import Foundation
import LivretArchive

struct ArchiveGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Write one archived file, checked against its digest (a damaged file is refused).")

    @OptionGroup var options: ArchiveOptions

    @Option(help: "The pupil's INE (or urn:lsl:uai:UAI for the lycée's object).")
    var ine: String

    @Option(help: "The logical path, e.g. 2015-2016/livret.pdf.")
    var path: String

    @Option(help: "The version (vN); default the head.")
    var version: String?

    @Option(name: .shortAndLong, help: "The file to write, or - for standard output.")
    var output: String

    func validate() throws {
        try requirePath(output, option: "-o")
    }

    func run() throws {
        let archive = try options.open()
        let data = try archiveCall { try archive.get(objectID: Archive.objectID(naming: ine), logicalPath: path, version: version) }
        try writeOutput(data, to: output)
    }
}
