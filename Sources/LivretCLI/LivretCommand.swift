import ArgumentParser
import LivretArchive
import LivretModel

/// `livret`: the root command. It only lists the subcommands; each lives in its own file.
public struct LivretCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "livret",
        abstract: "Livret scolaire du lycée: import, render, print and archive the official livret.",
        discussion: """
            Exit codes (every subcommand):
              0   success
              1   the input was refused (invalid data, text that cannot fit,
                  damaged archive…): nothing was written
              64  wrong usage (unknown option, missing argument)
              70  internal error (a bug: please report it)
              74  input/output error (a file could not be read or written, standard
                  output is full or closed or its reader has gone): the message
                  names the path and the system's reason

            -o PATH replaces a regular file atomically (a link to one: its target,
            the link stays); a character device, FIFO or socket (/dev/null, a named
            pipe) is written into, never replaced; /dev/stdout and /dev/fd/N write
            through the descriptor (>> appends); a folder is never replaced.
            """,
        version: version,
        subcommands: [
            ImportCommand.self,
            ExportLSLCommand.self,
            RenderCommand.self,
            SourceCommand.self,
            PrintRunCommand.self,
            ArchiveCommand.self,
            KeysCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            JournalCommand.self,
            JuryPackageCommand.self,
            ServeCommand.self,
            UsersCommand.self,
        ])

    public init() {}
}

extension LivretCommand {
    /// The program's entry point. (Calling `main()` from another module's top-level code picks
    /// ParsableCommand's synchronous overload, which refuses an asynchronous root.)
    ///
    /// Before anything: a closed standard stream (`>&-`) is held by a descriptor that cannot be
    /// written, so that output meant for it fails (exit 74) instead of landing in another file; and
    /// SIGPIPE is ignored, so that a reader gone (`| head`) is an `EPIPE` error — a message and exit
    /// 74 — rather than a silent death. Every `IOError` that reaches here is exit 74, and output
    /// `print` buffered is flushed and checked before exiting 0. Log lines go through
    /// `EscapingLogHandler` (control characters escaped).
    public static func runMain() async {
        FileIO.occupyClosedStandardStreams()
        FileIO.ignoreBrokenPipes()
        EscapingLogHandler.bootstrap()
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            try FileIO.flushStandardOutput()
        } catch let error as IOError {
            exit(withError: ioExit(error))
        } catch let error as ArchiveError {
            if case .io(let error) = error { exit(withError: ioExit(error)) }
            exit(withError: error)
        } catch {
            exit(withError: error)
        }
    }
}
