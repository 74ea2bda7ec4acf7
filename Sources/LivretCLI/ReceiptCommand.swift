import ArgumentParser
import Foundation
import LivretArchive
import LivretModel
import LivretPipeline
import LivretSign
import Logging

/// `livret receipt …`: hand-over receipts (récépissés de remise) and their returned stubs.
struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Write a hand-over receipt, record a returned stub, list which stubs are back.",
        discussion: """
            A receipt (récépissé de remise) is one A4 page, PDF/A-2b, signed with the lycée's \
            key like the livrets: the family's part and the school's stub, separated by a cut \
            line, each naming the livret handed over (archive object and version, SHA-256, pages) \
            with a QR code holding LSL1:UAI:INE:année:version:sha256. The version named is the \
            earliest version of the pupil's object from which on the latest <année>/livret.pdf \
            is unchanged (a version that only adds a returned stub does not count).
            """,
        subcommands: [ReceiptIssueCommand.self, ReceiptRecordCommand.self, ReceiptLsCommand.self],
        defaultSubcommand: ReceiptIssueCommand.self)
}

/// `livret receipt DATASET --ine INE [-o OUT.pdf]`.
struct ReceiptIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "One receipt for the latest archived livret of a pupil.",
        discussion: """
            The pupil must be in DATASET (for the division) and have an archived livret (exit 1 \
            otherwise, nothing written). The receipt is signed when the keys folder holds a key \
            (otherwise a warning says so) and journaled (action "receipt": INE, object, livret \
            version, SHA-256 of the receipt PDF). The journal head printed on it is the one \
            before that entry.

            Exit codes: 0 written; 1 refused (not archived, not in the dataset); 64 usage; 74 I/O.
            """)

    @Argument(help: ArgumentHelp("The dataset: a folder of canonical documents (INE.json).", valueName: "dataset-dir"))
    var dataset: String

    @Option(help: "The pupil's INE.")
    var ine: String

    @Option(help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @OptionGroup var keys: KeysOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the receipt (default: <INE>-recepisse.pdf; - for standard output).", valueName: "out.pdf"))
    var output: String?

    @Option(help: ArgumentHelp("The date of issue printed (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(name: .customLong("verify-url"), help: ArgumentHelp("Put URL?code=<the verification string, percent-encoded> in the QR code.", valueName: "url"))
    var verifyURL: String?

    @Option(help: ArgumentHelp("Who issues the receipt, recorded in the journal (default: $LIVRET_USER, else $USER).", valueName: "name"))
    var user: String?

    @OptionGroup var layoutOptions: LayoutOptions

    func validate() throws {
        if let date, !LivretDocument.isDate(date) { throw ValidationError("--date '\(MessageText.escaped(date))' is not a date YYYY-MM-DD.") }
        if Identifiers.ineKind(ineArgument(ine)) == nil { throw ValidationError("--ine '\(MessageText.escaped(ine))' is not an INE.") }
        if let verifyURL, !ReceiptCode.isVerifyURL(verifyURL) {
            throw ValidationError("--verify-url '\(MessageText.escaped(verifyURL))' is not an http(s) address with a host.")
        }
        if let output { try requirePath(output, option: "-o") }
    }

    func run() async throws {
        let ine = ineArgument(ine)
        let home = ArchiveOptions.home(archive)
        let renderer = try layoutOptions.renderer()
        let signing = try livretSigning(keys.folder(archiveHome: home), command: "receipt", required: false)
        if signing == nil {
            printError("livret receipt: the receipt is NOT signed: no signing key in \(keys.folder(archiveHome: home).url.path)")
        }
        let out = output ?? "\(OutputNames.fileName(ine))-recepisse.pdf"
        let handle = try archiveCall { try Archive(home: home, logger: Self.quietLogger) }
        do {
            let division = try Self.division(of: ine, in: dataset)
            let maker = try ReceiptMaker(renderer: renderer, signing: signing, date: date ?? PrintRunCommand.today(), verifyURL: verifyURL)
            let livret = try ArchivedLivret.latest(in: handle, ine: ine)
            let journal = Journal(home: home)
            let head = try archiveCall { try journal.verify().head?.short }
            let content = try maker.content(livret, division: division, journal: head)
            let pdf = try maker.pdf(content)
            try writeOutput(pdf, to: out)
            let entry = maker.journalEntry(content, receiptSHA256: Digests.sha256(pdf), actor: user ?? ArchiveUser.current.name)
            let newHead = try archiveCall { try journal.append(entry) }
            if out != "-" {
                try writeStandardOutput("""
                    receipt \(out): \(livret.object) \(livret.version) (\(livret.annee), \(livret.pages) pages)\(signing == nil ? ", NOT signed" : ", signed")
                    code: \(content.code.description)
                    journal: head \(newHead.description)

                    """)
            }
        } catch let error as PipelineError {
            throw pipelineExit(error)
        }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "livret.archive")
        logger.logLevel = .warning
        return logger
    }

    /// The pupil's division in the dataset (`.refused` when the pupil is not in it).
    static func division(of ine: String, in dataset: String) throws(PipelineError) -> String? {
        let set = try Dataset(directory: URL(fileURLWithPath: dataset))
        guard let file = set.files.first(where: { $0.lastPathComponent == "\(ine).json" }) else {
            throw .refused("INE \(MessageText.quoted(ine)) is not in the dataset \(dataset)")
        }
        let document = try Dataset.document(at: file)
        return document.eleve.division ?? document.scolarites.last?.division
    }
}

/// `livret receipt record --ine INE --scan FILE`.
struct ReceiptRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Archive the scan of a returned, signed receipt stub (PDF, PNG or JPEG).",
        discussion: """
            The file's kind is read from its first bytes, not its name; at most 20 MB and 100 \
            megapixels per image or page (checked before decoding). Its QR code is read (libzbar; \
            PDF pages rendered at 200 dpi) and must name this INE, the lycée's UAI and the livret \
            version that was handed over: the version of the last receipt journaled for the \
            pupil (or, when none is journaled, the current livret version), with the SHA-256 of \
            that archived livret. Otherwise the scan is refused (exit 1) and nothing is archived. \
            --no-qr records a scan whose code cannot be read, saying so in the version message \
            and the journal.

            The scan becomes a new version of the pupil's object, <année>/recepisse-retour-<n>.<ext> \
            (the livret is unchanged in that version), and a journal entry "stub-returned".

            Exit codes: 0 archived; 1 refused (nothing archived); 64 usage; 74 I/O.
            """)

    @Option(help: "The pupil's INE.")
    var ine: String

    @Option(help: ArgumentHelp("The scan: PDF, PNG or JPEG.", valueName: "file"))
    var scan: String

    @Option(help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(help: ArgumentHelp("When the stub came back (default: now).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Flag(name: .customLong("no-qr"), help: "Record a scan whose QR code cannot be read (recorded as such).")
    var noQR = false

    @Option(help: ArgumentHelp("Who records it (default: $LIVRET_USER, else $USER).", valueName: "name"))
    var user: String?

    func validate() throws {
        if let date, !LivretDocument.isDate(date) { throw ValidationError("--date '\(MessageText.escaped(date))' is not a date YYYY-MM-DD.") }
        if Identifiers.ineKind(ineArgument(ine)) == nil { throw ValidationError("--ine '\(MessageText.escaped(ine))' is not an INE.") }
        try requirePath(scan, option: "--scan")
    }

    func run() throws {
        let data = try readInput(scan, limit: ScanReaderLimit.bytes)
        let home = ArchiveOptions.home(archive)
        let handle = try archiveCall { try Archive(home: home, logger: ReceiptIssueCommand.quietLogger) }
        var when = Date()
        if let date {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            when = formatter.date(from: "\(date)T12:00:00Z") ?? when
        }
        let actor = user.map { ArchiveUser(parsing: $0) } ?? ArchiveUser.current
        do {
            let outcome = try StubRecorder(archive: handle, user: actor, date: when)
                .record(ine: ineArgument(ine), scan: data, name: scan, noQR: noQR)
            try writeStandardOutput("""
                stub recorded: \(Archive.objectID(ine: ineArgument(ine))) \(outcome.version) \(outcome.logicalPath)\(outcome.code.map { " (QR: \($0.version), \($0.annee))" } ?? " (no QR code read: --no-qr)")
                journal: head \(outcome.journalHead)

                """)
        } catch let error as PipelineError {
            throw pipelineExit(error)
        }
    }
}

/// The scan size limit, as the command reads the file (one more byte than the limit, so that
/// a larger file is refused by the library's message rather than a read error).
enum ScanReaderLimit {
    static let bytes = 20_000_001
}

/// `livret receipt ls`.
struct ReceiptLsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "Which receipt stubs are back: per pupil with a receipt, the last receipt and its stub.",
        discussion: """
            Read from the journal of the archive home (receipts and stubs recorded) and the \
            archive's index (each pupil's division, from the archived versions); no dataset is \
            needed. A stub counts as back when one was recorded after the pupil's last receipt.
            """)

    @Option(help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(help: ArgumentHelp("Only the pupils of this division.", valueName: "code"))
    var division: String?

    @Flag(help: "Only the pupils whose stub is not back.")
    var missing = false

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let home = ArchiveOptions.home(archive)
        let handle = try archiveCall { try Archive(home: home, logger: ReceiptIssueCommand.quietLogger) }
        let objects = try archiveCall { try handle.list() }
        var divisions: [String: String] = [:]
        for object in objects {
            if let ine = object.ine, let division = object.scolarites.last(where: { $0.division != nil })?.division { divisions[ine] = division }
        }
        let ledger = try archiveCall { try ReceiptLedger(journal: Journal(home: home), divisions: divisions) }
        var statuses = ledger.statuses
        if let division { statuses = statuses.filter { $0.division == division } }
        if missing { statuses = statuses.filter { $0.returned == nil } }
        if json {
            try writeStandardOutput(String(decoding: try CanonicalJSON.encode(statuses), as: UTF8.self) + "\n")
            return
        }
        var lines: [String] = []
        for status in statuses {
            let back = status.returned.map { "back \($0.prefix(10)) (\(status.returnedVersion ?? "?")\(status.returnedWithoutQR == true ? ", no QR" : ""))" } ?? "MISSING"
            lines.append("\(status.ine)  \(status.division ?? "-")  receipt \(status.version) of \(status.issued.prefix(10))  stub \(back)")
        }
        let back = statuses.filter { $0.returned != nil }.count
        lines.append("\(statuses.count) receipt(s), \(back) stub(s) back, \(statuses.count - back) missing")
        try writeStandardOutput(lines.joined(separator: "\n") + "\n")
    }
}
