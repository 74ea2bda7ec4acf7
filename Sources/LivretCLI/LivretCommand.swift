import ArgumentParser

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
              74  input/output error (a file could not be read or written)
            """,
        version: version,
        subcommands: [
            ImportCommand.self,
            ExportLSLCommand.self,
            RenderCommand.self,
            PrintRunCommand.self,
            ArchiveCommand.self,
            KeysCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            JournalCommand.self,
            JuryPackageCommand.self,
        ])

    public init() {}
}

extension LivretCommand {
    /// The program's entry point. (Calling `main()` from another module's top-level code picks
    /// ParsableCommand's synchronous overload, which refuses an asynchronous root.)
    public static func runMain() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
