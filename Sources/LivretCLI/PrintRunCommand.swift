import ArgumentParser
import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPipeline
import LivretSign
import Logging

struct PrintRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-run",
        abstract: "Print the livrets of whole classes: one PDF per class, one per pupil, a hand-over sheet.",
        discussion: """
            Writes into the output folder, for each division CODE:

              CODE.pdf             every livret of the class, in class-list order
              CODE/INE.pdf         one file per pupil (the same bytes as `render`)
              CODE-emargement.pdf  the hand-over sheet
              print-run.json       counts, files with SHA-256, failures

            CODE is the division code with letters, digits and - kept and any other \
            byte written _XX (hex): 1S/1 is 1S_2F1, 1S_1 is 1S_5F1. Codes whose files would \
            still clash (1s and 1S on a case-insensitive disk) are refused before anything \
            is written. The folder is locked while a run writes into it: a second run into \
            it is refused. The print-run.json of an earlier run is removed when a run starts.

            Class-list order: names compared the French way, accents and case folded; \
            spaces, hyphens and apostrophes count as one separator, sorted before letters. \
            Each livret starts on a recto (a blank page follows a livret with an odd page \
            count) unless --simplex.

            The hand-over sheet has one row per pupil printed: the page count, the start of \
            the SHA-256 of the pupil's PDF, and boxes for the date and the signature of the \
            responsable légal.

            Every file is written under a temporary name and renamed when complete. A pupil \
            whose livret cannot be printed (text that cannot fit, invalid document) does not \
            stop the others: the run finishes, lists the failures, and exits 1.

            Signatures: when the keys folder (--keys DIR, else $LIVRET_KEYS, else Keys/ beside \
            the archive home) holds the lycée's key, every pupil's livret is signed (PAdES B-B, \
            an incremental update after the unsigned bytes; the signing time /M is the run's \
            clock time, recorded in print-run.json). Class PDFs and hand-over sheets are not \
            signed (they go to the print shop). Without a key the livrets are printed unsigned \
            and a warning says how to create one; --require-signature makes that an error (exit \
            1, nothing written). With --archive, each signed livret is also recorded in the \
            journal of that archive home (journal.jsonl: time, --user, INE, object version, \
            SHA-256; no mark, no appreciation), and the journal's head after the class is \
            printed at the bottom of its hand-over sheet; without --archive nothing is \
            recorded. The SHA-256 on the hand-over sheets and in print-run.json are \
            those of the files as written (signed).

            Receipts (--receipts, needs --archive): once every division is printed and \
            archived, a hand-over receipt (récépissé de remise) per pupil printed: \
            CODE/INE-recepisse.pdf (one A4 page, PDF/A-2b, signed like the livrets; the family's \
            part and the school's stub, each with the livret's archive object and version, its \
            SHA-256 and a QR code holding LSL1:UAI:INE:année:version:sha256, or \
            URL?code=<that string, percent-encoded> with --verify-url URL), and \
            CODE-recepisses.pdf, the class's receipts gathered for printing. They are listed in \
            print-run.json ("receipts") and, with a key, journaled (action "receipt"). With \
            --paper-only, only the pupils of the list get one.

            Exit codes: 0 every pupil printed; 1 some pupils failed, or --paper-only names \
            INEs that are not in the dataset, or the input was refused, or the output \
            folder is in use by another run; 64 wrong usage; 74 I/O error.
            """)

    @Argument(help: ArgumentHelp("The dataset: a folder of canonical documents (INE.json), as `livret import` writes it.", valueName: "dataset-dir"))
    var dataset: String

    @Option(name: .long, help: ArgumentHelp("The folder to write into (created if missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("A division to print (repeatable).", valueName: "code"))
    var division: [String] = []

    @Flag(name: .long, help: "Print every division of the dataset.")
    var all = false

    @Option(name: .customLong("paper-only"), help: ArgumentHelp("Print only the pupils of this list (ine;nom;prenom;division, UTF-8): the families who refused online access. INEs not in the dataset are reported.", valueName: "refus.csv"))
    var paperOnly: String?

    @Flag(help: "No blank pages between livrets (for simplex printers).")
    var simplex = false

    @Option(help: ArgumentHelp("The date printed on the hand-over sheets (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("How many classes to render at once (default: the number of cores).", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Also put each pupil's PDF and its document into this archive home as they are printed (an unchanged PDF makes no new version).", valueName: "path"))
    var archive: String?

    @Option(help: ArgumentHelp("Who issues the livrets, recorded in the journal (default: $LIVRET_USER, else $USER).", valueName: "name"))
    var user: String?

    @Flag(help: "Also write a hand-over receipt per pupil printed, and the class's receipts for printing (needs --archive).")
    var receipts = false

    @Option(name: .customLong("verify-url"), help: ArgumentHelp("With --receipts: put URL?code=<the verification string, percent-encoded> in the QR codes.", valueName: "url"))
    var verifyURL: String?

    @Flag(name: .customLong("require-signature"), help: "Refuse to print (exit 1, nothing written) when there is no signing key.")
    var requireSignature = false

    @OptionGroup var keys: KeysOptions

    @Flag(help: "Print nothing but errors (no progress line, no summary).")
    var quiet = false

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    @OptionGroup var layoutOptions: LayoutOptions

    func validate() throws {
        if all == !division.isEmpty { throw ValidationError("Name the divisions to print with --division, or print them all with --all.") }
        if let date, !LivretDocument.isDate(date) { throw ValidationError("--date '\(date)' is not a date YYYY-MM-DD.") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if receipts && archive == nil {
            throw ValidationError("--receipts needs --archive PATH: a receipt names the archived version of the livret handed over.")
        }
        if verifyURL != nil && !receipts { throw ValidationError("--verify-url goes with --receipts.") }
        if let verifyURL, !ReceiptCode.isVerifyURL(verifyURL) {
            throw ValidationError("--verify-url '\(MessageText.escaped(verifyURL))' is not an http(s) address with a host.")
        }
        try requirePath(out, option: "--out")
    }

    func run() async throws {
        let started = ContinuousClock.now
        var renderer = try layoutOptions.renderer()
        let keysFolder = keys.folder(archiveHome: ArchiveOptions.home(archive))
        let signing = try livretSigning(keysFolder, command: "print-run", required: requireSignature)
        renderer = renderer.signing(with: signing)
        try prepareOutputFolder(out)
        if signing == nil {  // after the output folder's check: a run refused before it prints says only why
            printError("livret print-run: the livrets are NOT signed: no signing key in \(keysFolder.url.path) (create one with `livret keys init --etablissement etablissement.json --keys \(keysFolder.url.path)`, give --keys DIR, or --require-signature to refuse unsigned runs)")
        }
        var archiveHandle: Archive?
        if let archive {
            var logger = Logger(label: "livret.archive")
            logger.logLevel = .warning
            archiveHandle = try archiveCall { try Archive(home: URL(fileURLWithPath: archive), logger: logger) }
        }
        let options = PrintRun.Options(
            dataset: URL(fileURLWithPath: dataset), output: URL(fileURLWithPath: out),
            divisions: all ? nil : division, paperOnly: paperOnly.map { URL(fileURLWithPath: $0) }, simplex: simplex,
            date: date ?? Self.today(), version: LivretCommand.version)
        let printer = isatty(STDERR_FILENO) == 1 && !quiet ? PrintProgress() : nil
        let summary: PrintRun.Summary
        do {
            // The journal lives in the archive home: without --archive, nothing is recorded.
            let journal = archive != nil && signing != nil
                ? JournalRecorder(journal: Journal(home: URL(fileURLWithPath: archive!)), actor: user ?? ArchiveUser.current.name) : nil
            var printRun = try PrintRun(options: options, renderer: renderer, archive: archiveHandle, journal: journal)
            if receipts, let archiveHandle {
                let maker = try ReceiptMaker(renderer: renderer, signing: signing, date: options.date, verifyURL: verifyURL)
                printRun = printRun.writingReceipts(PrintRunReceipts(maker: maker, archive: archiveHandle))
            }
            summary = try await printRun.run(on: BlockingExecutor(width: jobs)) { event in printer?.show(event) }
        } catch {
            throw pipelineExit(error)
        }
        let elapsed = PrintProgress.seconds(ContinuousClock.now - started)
        if json {
            try writeStandardOutput(String(decoding: try CanonicalJSON.encode(summary), as: UTF8.self))
        }
        for failure in summary.failures {
            printError("livret: not printed: \(failure.division.map { "\($0) " } ?? "")\(failure.source): \(failure.reason)")
        }
        for unknown in summary.unknownPaperOnly {
            printError("livret: \(paperOnly ?? ""):\(unknown.line): INE \(MessageText.quoted(unknown.ine)) is not in the dataset: nothing printed for it")
        }
        if !quiet && !json {
            let c = summary.counts
            let rate = elapsed > 0 ? Double(c.pages) / elapsed : 0
            var lines = ["\(c.printed) livrets printed (\(c.pages) pages) in \(c.divisions) division(s) into \(out), \(String(format: "%.1f", elapsed)) s, \(Int(rate)) pages/s"]
            for division in summary.divisions {
                lines.append("  \(division.code): \(division.classFile ?? "-") (\(division.printed) livrets), \(division.emargementFile ?? "-")")
            }
            if let receipts = summary.receipts {
                lines.append("receipts: \(receipts.count) written (CODE/INE-recepisse.pdf, CODE-recepisses.pdf)")
            }
            if let created = c.archivedNewVersions, let unchanged = c.archivedUnchanged {
                lines.append("archive \(archive ?? ""): \(created) new version(s), \(unchanged) unchanged")
            }
            if let signature = summary.signature {
                lines.append("signed: every pupil's livret, at \(signature.time), certificate SHA-256 \(signature.certificateSHA256.prefix(23))…")
            }
            if let journal = summary.journal {
                lines.append("journal: \(journal.recorded) entr\(journal.recorded == 1 ? "y" : "ies") recorded, head \(journal.head ?? "(chain broken)")")
            } else if summary.signature != nil {
                lines.append("journal: nothing recorded (no --archive: the journal lives in the archive home)")
            }
            if c.failed > 0 { lines.append("\(c.failed) pupil(s) NOT printed: see above and print-run.json") }
            lines.append("summary: \(URL(fileURLWithPath: out).appendingPathComponent("print-run.json").path)")
            try writeStandardOutput(lines.joined(separator: "\n") + "\n")
        }
        if summary.counts.failed > 0 || summary.failures.count > summary.counts.failed || !summary.unknownPaperOnly.isEmpty {
            throw ExitCode(LivretExit.refused)
        }
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
