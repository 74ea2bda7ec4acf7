import ArgumentParser
import Foundation
import LivretArchive

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
            --witness SEQ:SHA256 is a head seen elsewhere (printed on a hand-over sheet, a receipt, \
            a jury package): it must still be in today's chain. Prints the head of the chain. \
            Exit 0 intact, 1 not.
            """)

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(name: .long, help: "A head seen elsewhere, SEQ:SHA256.")
    var witness: String?

    func run() throws {
        var head: Journal.Head?
        if let witness {
            guard let parsed = Journal.Head(witness) else {
                printError("livret journal verify: --witness '\(witness)' is not SEQ:SHA256 (64 hex digits)")
                throw ExitCode(LivretExit.usage)
            }
            head = parsed
        }
        let journal = Journal(home: ArchiveOptions.home(archive))
        let report = try archiveCall { try journal.verify(witness: head) }
        if let problem = report.problem {
            print("journal: NOT INTACT: \(problem)")
            throw ExitCode(LivretExit.refused)
        }
        print("journal: \(report.count) entries, intact, head \(report.head?.description ?? "(empty)")")
    }
}
