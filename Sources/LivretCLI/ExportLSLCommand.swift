import ArgumentParser
import Foundation
import LivretImport
import LivretModel

struct ExportLSLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-lsl",
        abstract: "Write the documents of a dataset back as one LSL import XML file.")

    @Argument(help: "The dataset directory (one <INE>.json per pupil).")
    var dataset: String

    @Option(name: .shortAndLong, help: "The LSL import XML to write, or - for standard output.")
    var output: String

    func validate() throws {
        try requirePath(output, option: "-o")
    }

    func run() async throws {
        let directory = URL(fileURLWithPath: dataset)
        let names: [String]
        do throws(IOError) {
            names = try FileIO.list(directory.path)
                .filter { $0.hasSuffix(".json") && $0 != "import-report.json" && !$0.hasPrefix(".") }
        } catch {
            throw ioExit(error)
        }
        var documents: [LivretDocument] = []
        var refused = false
        for name in names {
            let path = directory.appendingPathComponent(name).path
            let data = try readInput(path)
            do {
                documents.append(try LivretDocument.decode(data, source: name))
            } catch {
                printError(error.description)
                refused = true
            }
        }
        if refused || documents.isEmpty {
            if documents.isEmpty && !refused { printError("livret: \(dataset): no livret document") }
            throw ExitCode(LivretExit.refused)
        }
        documents.sort { ($0.eleve.division ?? "", $0.eleve.nom, $0.eleve.prenoms, $0.eleve.ine) < ($1.eleve.division ?? "", $1.eleve.nom, $1.eleve.prenoms, $1.eleve.ine) }
        do {
            try writeOutput(try LSLExporter.export(documents), to: output)
        } catch let failure as LSLExporter.Failure {
            printError("livret: \(failure.description)")
            throw ExitCode(LivretExit.refused)
        }
    }
}
