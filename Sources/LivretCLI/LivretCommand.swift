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
              1   the input was refused (invalid data, text that cannot fit, damaged archive…);
                  nothing was written
              64  wrong usage (unknown option, missing argument)
              70  internal error (a bug: please report it)
              74  input/output error (a file could not be read or written)
            """,
        version: version,
        subcommands: [
            RenderCommand.self,
            ArchiveCommand.self,
        ])

    public init() {}
}
