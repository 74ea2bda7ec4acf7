import ArgumentParser
import Foundation
import LivretImport
import LivretModel
import LivretPipeline

struct ExportLSLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-lsl",
        abstract: "Write the documents of a dataset back as one LSL import XML file.")

    @Argument(help: "The dataset directory (one <INE>.json per pupil).")
    var dataset: String

    @Option(name: .shortAndLong, help: "The LSL import XML to write, or - for standard output.")
    var output: String

    func run() async throws {
        let datasetFiles: Dataset
        do {
            datasetFiles = try Dataset(directory: URL(fileURLWithPath: dataset))
        } catch {
            throw pipelineExit(error)
        }
        var documents: [LivretDocument] = []
        var refused = false
        for file in datasetFiles.files {
            do {
                documents.append(try Dataset.document(at: file))
            } catch {
                guard case .document(let problems) = error else { throw pipelineExit(error) }
                printError(problems.description)
                refused = true
            }
        }
        if refused { throw ExitCode(LivretExit.refused) }
        documents.sort { ($0.eleve.division ?? "", $0.eleve.nom, $0.eleve.prenoms, $0.eleve.ine) < ($1.eleve.division ?? "", $1.eleve.nom, $1.eleve.prenoms, $1.eleve.ine) }
        do {
            try writeOutput(try LSLExporter.export(documents), to: output)
        } catch let failure as LSLExporter.Failure {
            printError("livret: \(failure.description)")
            throw ExitCode(LivretExit.refused)
        }
    }
}
