import ArgumentParser
import Foundation
import LivretArchive
import Logging

/// `livret archive …`: the OCFL archive of every livret issued.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Keep every livret issued, every version, with proof of integrity (OCFL 1.1).",
        discussion: """
            The archive home is --archive PATH, else $LIVRET_ARCHIVE, else ./Archive (the repository's \
            Archive/ when run from the repository root). It holds ocfl-root/ (the OCFL storage root), \
            work/ (staging), index.sqlite (a cache, rebuilt when missing or damaged) and locks/. \
            Each pupil is one OCFL object, id urn:lsl:ine:<INE>, files at <année>/livret.pdf and \
            <année>/livret.json. The lycée has one object too, id urn:lsl:uai:<UAI>: \
            certificates/<sha256>.pem (every certificate used to sign) and journal/ (the journal \
            sealed after each print run, and its signed head). Every command first finishes or rolls back writes interrupted by a crash.
            """,
        subcommands: [
            ArchivePutCommand.self, ArchiveGetCommand.self, ArchiveLogCommand.self, ArchiveLsCommand.self,
            ArchiveVerifyCommand.self, ArchiveReindexCommand.self, ArchiveRecoverCommand.self,
            ArchiveExportCommand.self, ArchiveImportCommand.self, ArchivePutManyCommand.self, ArchiveIngestPackageCommand.self,
        ])
}

/// Options every archive subcommand shares.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Flag(name: .long, help: "Log what the archive does (on standard error).")
    var verbose = false

    var home: URL { Self.home(archive) }

    /// `archive`, else `$LIVRET_ARCHIVE`, else `./Archive`.
    static func home(_ archive: String?) -> URL {
        if let archive { return URL(fileURLWithPath: archive) }
        if let path = ProcessInfo.processInfo.environment["LIVRET_ARCHIVE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Archive")
    }

    var logger: Logger {
        var logger = Logger(label: "livret.archive")
        logger.logLevel = verbose ? .info : .warning
        return logger
    }

    /// Opens the archive (running recovery and rebuilding a missing or damaged index), mapping
    /// errors to exit codes. With `recreateIndex`, the index is deleted unread and rebuilt.
    func open(recreateIndex: Bool = false) throws -> Archive {
        try archiveCall { try Archive(home: home, logger: logger, recreateIndex: recreateIndex) }
    }
}

/// Runs an archive call, printing its error and mapping it to the documented exit codes.
func archiveCall<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ArchiveError {
        printError("livret archive: \(error.description)")
        switch error {
        case .invalidArgument: throw ExitCode(LivretExit.usage)
        case .notFound, .damaged, .refused: throw ExitCode(LivretExit.refused)
        case .io, .index: throw ExitCode(LivretExit.io)
        }
    }
}

/// `--ine` values are INEs; `urn:lsl:ine:<INE>` is accepted too.
func ineArgument(_ value: String) -> String {
    value.hasPrefix("urn:lsl:ine:") ? String(value.dropFirst("urn:lsl:ine:".count)) : value
}
