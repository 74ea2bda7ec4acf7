import ArgumentParser
import Foundation
import LivretArchive
import LivretModel

struct ArchivePutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Add or update files of a pupil's object as a new version.",
        discussion: """
            Each --file is stored at the logical path of the --as at the same position \
            (e.g. --file out/x.pdf --as 2015-2016/livret.pdf). Files byte-identical to the head make no \
            new version. Prints 'created vN <id>' or 'unchanged vN <id>'.
            """)

    @OptionGroup var options: ArchiveOptions

    @Option(help: "The pupil's INE.")
    var ine: String

    @Option(name: .customLong("file"), help: "A file to store (repeatable, paired with --as).")
    var files: [String] = []

    @Option(name: .customLong("as"), help: "The logical path of the --file at the same position.")
    var logicalPaths: [String] = []

    @Option(help: "Why this version is made.")
    var message: String = "Livret archivé"

    @Option(help: "Who makes it: 'Name <address>' (default: $LIVRET_USER, else the login name).")
    var user: String?

    @Option(help: "The pupil's division for this school year (recorded in the version message).")
    var division: String?

    @Option(help: "The school year, 2015-2016 or 2015 (recorded in the version message).")
    var year: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one --file FILE --as LOGICAL_PATH") }
        guard files.count == logicalPaths.count else {
            throw ValidationError("\(files.count) --file but \(logicalPaths.count) --as: give one --as per --file")
        }
        // Logical paths, message and user are refused here, before the archive is opened or anything staged.
        do {
            try Archive.checkPut(
                logicalPaths: logicalPaths, message: message, user: user.map { ArchiveUser(parsing: $0) } ?? ArchiveUser.current)
            for value in [division, year].compactMap({ $0 }) where value.unicodeScalars.contains(where: MessageText.isUnsafe) {
                throw ArchiveError.invalidArgument("\(MessageText.quoted(value)) contains a control character")
            }
        } catch let error as ArchiveError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            printError("livret archive put: cannot read \(file)")
            throw ExitCode(LivretExit.io)
        }
        let archive = try options.open()
        let entries = zip(files, logicalPaths).map { ArchiveFile(logicalPath: $1, contentsOf: URL(fileURLWithPath: $0)) }
        let who = user.map { ArchiveUser(parsing: $0) } ?? ArchiveUser.current
        let id = Archive.objectID(ine: ineArgument(ine))
        let result = try archiveCall {
            try archive.put(
                ine: ineArgument(ine), files: entries, message: message, user: who,
                metadata: ArchiveMetadata(division: division, year: year))
        }
        switch result {
        case .created(let version): print("created \(version) \(id)")
        case .unchanged(let head): print("unchanged \(head) \(id) (every file identical to the head: no new version)")
        }
    }
}
