import ArgumentParser
import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPipeline
import Logging

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

            With --sign, the livret is signed with the lycée's key (PAdES B-B, as an \
            incremental update; the signing time /M is now): the bytes before the signature are \
            exactly the unsigned render. The keys folder is --keys DIR, else $LIVRET_KEYS, else \
            Keys/ beside the archive home. With --archive, the issue is also recorded in that \
            archive home's journal (the PDF itself is not archived).

            Exit codes: 0 written; 1 refused (invalid document, text that cannot fit, unknown \
            layout): no file written; 64 wrong usage; 74 a file could not be read or written.
            """)

    @Argument(help: ArgumentHelp("The canonical livret document (JSON), or - for standard input.", valueName: "document.json"))
    var document: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The PDF to write, or - for standard output.", valueName: "out.pdf"))
    var output: String

    @Flag(help: "Sign the livret with the lycée's key (refused when there is none).")
    var sign = false

    @OptionGroup var keys: KeysOptions

    @Option(help: ArgumentHelp("With --sign: record the issue in this archive home's journal.", valueName: "path"))
    var archive: String?

    @Option(help: ArgumentHelp("With --sign and --archive: who issues the livret, recorded in the journal (default: $LIVRET_USER, else $USER).", valueName: "name"))
    var user: String?

    @OptionGroup var layoutOptions: LayoutOptions

    func validate() throws {
        try requirePath(output, option: "-o")
        try requirePath(document, option: "document")
        if !sign && (archive != nil || user != nil || keys.keys != nil) {
            throw ValidationError("--keys, --archive and --user go with --sign.")
        }
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
        var renderer = try layoutOptions.renderer()
        if sign {
            let folder = keys.folder(archiveHome: ArchiveOptions.home(archive))
            renderer = renderer.signing(with: try livretSigning(folder, command: "render", required: true))
            if let archive {
                // Opened (created when missing) before anything is written: its journal records the issue.
                var logger = Logger(label: "livret.archive")
                logger.logLevel = .warning
                _ = try archiveCall { try Archive(home: URL(fileURLWithPath: archive), logger: logger) }
            }
        }
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
            case .signing:
                printError("livret: \(source): \(error)")
                throw ExitCode(LivretExit.refused)
            default:
                throw pipelineExit(error)
            }
        }
        try writeOutput(pdf, to: output)
        if let archive, let signing = renderer.signing {
            let entry = JournalEntry(
                time: signing.date, actor: user ?? ArchiveUser.current.name, action: "render-sign", ine: livret.eleve.ine,
                sha256: Digests.sha256(pdf))
            let head = try archiveCall { try Journal(home: URL(fileURLWithPath: archive)).append(entry) }
            printError("livret render: recorded in the journal of \(archive) (head \(head))")
            sealLyceeObject(home: URL(fileURLWithPath: archive), uai: LyceeObject.uai(of: signing.signer.signer, fallback: livret.etablissement.uai) ?? livret.etablissement.uai, signer: signing.signer.signer,
                            user: .current, command: "render")
        }
    }
}
