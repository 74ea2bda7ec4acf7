import ArgumentParser
import Foundation
import LivretLayout
import LivretModel
import LivretPipeline

/// `--layout`, `--layouts`, `--fonts`: the options of every command that draws livrets.
struct LayoutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The livret model: a file name in the layouts folder without .json (default: each document's `modele`, else gt-2012).", valueName: "name"))
    var layout: String?

    @Option(help: ArgumentHelp("The folder of layout files (default: $LIVRET_LAYOUTS, else Layouts/ found beside the program).", valueName: "dir"))
    var layouts: String?

    @Option(help: ArgumentHelp("The folder of fonts (default: $LIVRET_FONTS, else Fonts/ found beside the program).", valueName: "dir"))
    var fonts: String?

    /// The layouts and fonts folders: the options, else the environment, else beside the program.
    func resources() throws(LayoutError) -> ResourceLocations {
        try Self.resources(layouts: layouts, fonts: fonts)
    }

    /// The layouts and fonts folders for the given option values (nil: the environment, else
    /// beside the program), for commands that declare their own `--layouts`/`--fonts`.
    static func resources(layouts: String?, fonts: String?) throws(LayoutError) -> ResourceLocations {
        let locator = ResourceLocator.forThisProgram
        let layoutsDirectory = try locator.directory(
            named: "Layouts", containing: "\(LivretRenderer.defaultLayoutName).json", explicit: layouts, environmentVariable: "LIVRET_LAYOUTS")
        let fontsDirectory = try locator.directory(
            named: "Fonts", containing: FontSet.fileNames[.regular]!, explicit: fonts, environmentVariable: "LIVRET_FONTS")
        return ResourceLocations(layouts: layoutsDirectory, fonts: fontsDirectory)
    }

    /// The renderer of this program's version; a failure is printed and becomes exit 1.
    func renderer(modeles: Set<String> = []) throws -> LivretRenderer {
        do {
            let resources: ResourceLocations
            do {
                resources = try self.resources()
            } catch {
                throw PipelineError.refused("\(error) (the folders can be named with --layouts and --fonts)")
            }
            return try LivretRenderer(resources: resources, layout: layout, producer: "livret \(LivretCommand.version)", modeles: modeles)
        } catch let error as PipelineError {
            throw pipelineExit(error)
        }
    }
}

extension ResourceLocator {
    /// The locator of the running program: its executable, environment and current directory.
    static var forThisProgram: ResourceLocator {
        ResourceLocator(
            executable: CommandLine.arguments.first.map { URL(fileURLWithPath: $0) },
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}

/// Prints a pipeline error and returns the exit code it stands for: 1 refused (bad input, text
/// that cannot fit, a folder in use), 70 a drawing failure (a bug), 74 an I/O error.
func pipelineExit(_ error: PipelineError) -> ExitCode {
    switch error {
    case .layoutName(let name, nil, let reason):
        printError("livret: --layout \(MessageText.quoted(name)) \(reason)")
        return ExitCode(LivretExit.refused)
    case .refused, .layoutName, .document, .layout, .busy:
        printError("livret: \(error)")
        return ExitCode(LivretExit.refused)
    case .pdf:
        printError("livret: \(error)")
        return ExitCode(LivretExit.software)
    case .signing(let signError):
        printError("livret: \(error)")
        return ExitCode(signError.code == .io ? LivretExit.io : LivretExit.refused)
    case .io:
        printError("livret: \(error)")
        return ExitCode(LivretExit.io)
    }
}
