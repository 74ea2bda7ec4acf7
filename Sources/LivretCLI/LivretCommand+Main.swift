import ArgumentParser

extension LivretCommand {
    /// The program's entry point. `LivretCommand.main()` called from `main.swift` resolves to the
    /// synchronous `ParsableCommand.main()` (it then refuses the async root with an "availability
    /// annotation" message, even for `--help`); this calls the async parser explicitly.
    public static func execute(_ arguments: [String]? = nil) async {
        do {
            var command = try await asyncParseAsRoot(arguments)
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
