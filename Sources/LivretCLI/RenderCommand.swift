import ArgumentParser
import Foundation
import LivretModel

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Render one livret document (JSON) to PDF.")

    @Argument(help: "The canonical livret document (JSON), or - for standard input.")
    var document: String

    @Option(name: .shortAndLong, help: "The PDF to write, or - for standard output.")
    var output: String

    func run() async throws {
        let data = try readInput(document)
        do {
            _ = try LivretDocument.decode(data, source: document)
        } catch {
            printError(error.description)
            throw ExitCode(LivretExit.refused)
        }
    }
}
