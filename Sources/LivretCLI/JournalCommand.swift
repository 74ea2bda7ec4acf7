import ArgumentParser
import Foundation
import LivretArchive
import LivretModel
import LivretPipeline
import LivretSign
import Logging
import X509

/// `livret journal …`: the hash-chained journal of everything issued.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Show or verify the journal of everything issued (hash-chained, append-only).",
        discussion: """
            The journal is journal.jsonl in the archive home: one entry per issued livret, receipt, \
            returned stub or jury package (time, actor, action, INE, object, version, SHA-256 of \
            what was issued, SHA-256 of the previous entry). It holds no mark and no appreciation.
            """,
        subcommands: [JournalShowCommand.self, JournalVerifyCommand.self])
}

struct JournalShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the journal's entries.")

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(name: .long, help: "Only the entries of this pupil.")
    var ine: String?

    @Flag(name: .long, help: "Print the entries as a JSON array.")
    var json = false

    func run() throws {
        let journal = Journal(home: ArchiveOptions.home(archive))
        var entries = try archiveCall { try journal.entries() }
        if let ine { entries = entries.filter { $0.ine == ineArgument(ine) } }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        for entry in entries {
            let fields = [
                "\(entry.seq)", entry.time, entry.action, entry.ine ?? "-", [entry.object, entry.version].compactMap { $0 }.joined(separator: " "),
                entry.sha256.map { "sha256:" + $0.prefix(16) + "…" } ?? "-", entry.actor,
            ]
            print(fields.map { $0.isEmpty ? "-" : $0 }.joined(separator: "  "))
        }
    }
}

struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the journal's chain; name the first entry edited, removed, inserted or reordered.",
        discussion: """
            --witness HEAD is a head seen elsewhere (printed on a hand-over sheet, a receipt, in \
            print-run.json, carried in a jury package): SEQ:SHA256, or the head signed by the \
            lycée, LSLJ1:UAI:SEQ:SHA256:TIME:SIGNATURE, whose signature is checked first against \
            --trust CERT, else the keys folder's certificate and the certificates archived in the \
            lycée's object. The head must still be in today's chain. The journal sealed into the \
            lycée's object after each print run (urn:lsl:uai:<UAI>) is a witness too: it must \
            still be the beginning of the live journal. Prints the head of the chain. Exit 0 \
            intact, 1 not, 64 a malformed witness, 74 when the journal cannot be read.
            """)

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(name: .long, help: "A head seen elsewhere: SEQ:SHA256, or a signed head LSLJ1:….")
    var witness: String?

    @Option(name: .long, help: "A trusted certificate (PEM) for a signed witness; may be repeated.")
    var trust: [String] = []

    @OptionGroup var keys: KeysOptions

    func run() throws {
        let home = ArchiveOptions.home(archive)
        var trusted: [Certificate] = []
        if witness?.hasPrefix(SignedJournalHead.tag + ":") == true {
            if trust.isEmpty {
                let folder = keys.folder(archiveHome: home)
                if FileManager.default.fileExists(atPath: folder.certificateFile.path) {
                    trusted = try signCall("journal verify") { () throws(SignError) in try folder.certificates() }
                }
            } else {
                for path in trust {
                    trusted += try signCall("journal verify") { () throws(SignError) in try SigningIdentity.readCertificates(URL(fileURLWithPath: path)) }
                }
            }
        }
        // The archive's sealed copies, when there is an archive (nothing is created otherwise).
        var opened: Archive?
        if FileManager.default.fileExists(atPath: home.appendingPathComponent("ocfl-root/0=ocfl_1.1").path) {
            var log = Logger(label: "livret.archive")
            log.logLevel = .error
            let logger = log
            opened = try archiveCall { try Archive(home: home, logger: logger) }
        }
        let report: JournalAudit.Report
        do {
            report = try archiveCall { try JournalAudit.verify(home: home, witness: witness, trusted: trusted, archive: opened) }
        } catch let malformed as JournalAudit.Malformed {
            printError("livret journal verify: --witness: \(malformed)")
            throw ExitCode(LivretExit.usage)
        }
        if !report.problems.isEmpty {
            for problem in report.problems { printSafe("journal: NOT INTACT: \(problem)") }
            throw ExitCode(LivretExit.refused)
        }
        var line = "journal: \(report.count) entries, intact, head \(report.head?.description ?? "(empty)")"
        if let signer = report.witnessSigner { line += "; the witness is signed by \(signer) and still in the chain" } else if witness != nil { line += "; the witness is still in the chain" }
        if !report.sealed.isEmpty { line += "; sealed copies agree: \(report.sealed.joined(separator: ", "))" }
        printSafe(line)
    }
}

/// Seals the journal into the lycée's object (with the certificate used and the signed head)
/// after an issuance; a failure is a warning: the journal itself holds the issue, and the next
/// issuance seals it again.
func sealLyceeObject(home: URL, uai: String, signer: any Signer, user: ArchiveUser, command: String) {
    var log = Logger(label: "livret.archive")
    log.logLevel = .error
    do {
        let archive = try Archive(home: home, logger: log)
        let sealed = try LyceeObject.seal(archive: archive, uai: uai, certificates: [signer.certificate] + signer.chain, signer: signer, user: user)
        if case .created(let version) = sealed.result {
            printError("livret \(command): journal sealed into \(sealed.object) \(version)")
        }
    } catch {
        printError("livret \(command): warning: the journal was not sealed into the archive: \(MessageText.escaped("\(error)"))")
    }
}
