import ArgumentParser
import Foundation
import LivretLayout
import LivretModel
import LivretPipeline

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one livret document (canonical JSON) to PDF.",
        discussion: """
            The document is checked first (every problem is listed, each naming its field); the \
            PDF is written only when the whole livret could be laid out. A text that does not fit \
            its cell is set smaller down to the layout's minimum size; past that the livret is \
            refused with a message naming the pupil, the discipline and the overflow: no text is \
            ever cut.

            Exit codes: 0 written; 1 refused (invalid document, text that cannot fit, unknown \
            layout): no file written; 64 wrong usage; 74 a file could not be read or written.
            """)

    @Argument(help: ArgumentHelp("The canonical livret document (JSON), or - for standard input.", valueName: "document.json"))
    var document: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The PDF to write, or - for standard output.", valueName: "out.pdf"))
    var output: String

    @OptionGroup var layoutOptions: LayoutOptions

    func validate() throws {
        try requirePath(output, option: "-o")
        try requirePath(document, option: "document")
    }

    func run() async throws {
        // A document far over its size limit is refused before it is read; one a little over it
        // is read and refused by LivretDocument.checkInput, naming the oversize field.
        if document != "-", let size = (try? FileManager.default.attributesOfItem(atPath: document))?[.size] as? Int,
            size > InputLimits.documentScanBytes
        {
            printError("\(document): \(size) bytes is over the size limit of a livret document (\(InputLimits.documentBytes) bytes): not read")
            throw ExitCode(LivretExit.refused)
        }
        let data = try readInput(document)
        let source = document == "-" ? "<stdin>" : document
        let livret: LivretDocument
        do {
            livret = try LivretDocument.decode(data, source: source)
        } catch {
            printError(error.description)
            throw ExitCode(LivretExit.refused)
        }
        let renderer = try layoutOptions.renderer()
        let pdf: Data
        do {
            pdf = try renderer.pdf(livret, source: source)
        } catch {
            switch error {
            case .layout:
                printError("livret: \(source): \(error)")
                throw ExitCode(LivretExit.refused)
            case .pdf:
                printError("livret: \(source): \(error)")
                throw ExitCode(LivretExit.software)
            default:
                throw pipelineExit(error)
            }
        }
        try writeOutput(pdf, to: output)
    }
}
