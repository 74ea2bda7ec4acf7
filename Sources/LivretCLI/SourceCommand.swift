import ArgumentParser
import Foundation
import LivretPDF

struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Write out the document a livret PDF was rendered from (its embedded source).",
        discussion: """
            A pupil's livret PDF (PDF/A-3) carries the canonical document it was rendered from, \
            byte for byte, as an associated file (/AFRelationship /Source). This writes it out, \
            checked against the size and MD5 recorded beside it; `livret render` of that document \
            gives the same PDF bytes again.

            Exit codes: 0 written; 1 refused (not a PDF, no embedded source, damaged): nothing \
            written; 64 wrong usage; 74 a file could not be read or written.
            """)

    @Argument(help: ArgumentHelp("The livret PDF, or - for standard input.", valueName: "livret.pdf"))
    var pdf: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the document (default: standard output).", valueName: "doc.json"))
    var output: String = "-"

    func run() async throws {
        let data = try readInput(pdf)
        let source = pdf == "-" ? "<stdin>" : pdf
        do {
            let embedded = try PDFEmbeddedSource.extract(from: data)
            try writeOutput(embedded.data, to: output)
        } catch let error as PDFSourceError {
            printError("livret: \(source): \(error)")
            throw ExitCode(LivretExit.refused)
        }
    }
}
