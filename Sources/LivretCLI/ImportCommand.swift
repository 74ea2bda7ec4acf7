import ArgumentParser
import Foundation
import LivretImport
import LivretModel

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a lycée's SIECLE export and LSL import file into one livret document per pupil.",
        discussion: """
            Writes DATASET_DIR/<INE>.json for every pupil and DATASET_DIR/import-report.json, all or \
            nothing: on any error nothing is written (exit 1) and every error is listed on standard error \
            as file:line:column: field: message. Warnings are printed too and kept in the report.
            An existing DATASET_DIR is replaced only when it is empty or a livret dataset (import-report.json \
            and *.json files only); any other directory is refused (exit 1, nothing touched) unless --force.
            DATASET_DIR may be a symbolic link (current -> datasets/2015): the folder it points to is \
            replaced, the link stays; --force never reaches through a link (a link to anything but a \
            dataset is refused).
            The nomenclature is found with --nomenclature, then $LIVRET_NOMENCLATURE, then a \
            Nomenclature/ directory beside the executable, in the current directory or in the repository; \
            Import_MEF.xml beside it gives the language names.
            """)

    @Option(help: "SIECLE export ElevesSansAdresses.xml (ISO-8859-15 or UTF-8).")
    var eleves: String

    @Option(help: "LSL import XML (urn:ac-grenoble.fr:lsl:import).")
    var evaluations: String

    @Option(help: "Établissement profile (etablissement.json).")
    var etablissement: String

    @Option(help: "LSL nomenclature (lsl-nomenclatures.xml).")
    var nomenclature: String?

    @Option(help: "The dataset directory to write (replaced atomically). An existing directory that is not a livret dataset is refused.")
    var into: String

    @Flag(help: "Replace --into even when it is a directory that is not a livret dataset (everything in it is deleted).")
    var force = false

    @Option(help: "Largest input file accepted, in bytes (default 256 MB).")
    var maxSize: Int = 256 * 1024 * 1024

    @Flag(help: "Do not print the warnings (they stay in the report).")
    var quiet = false

    func run() async throws {
        let directory = URL(fileURLWithPath: into).standardizedFileURL
        // Only a dataset is replaced (through a link: only a dataset, even with --force): refused
        // before anything is read or touched.
        if let refusal = DatasetDirectory.replacementRefusal(directory, force: force) {
            printError("livret: --into \(refusal)")
            throw ExitCode(LivretExit.refused)
        }
        // A dataset left aside by an interrupted import is put back first.
        try? DatasetDirectory.recover(directory)
        guard let nomenclatureURL = NomenclatureLocator.locate(nomenclature) else {
            printError("livret: no nomenclature found: give --nomenclature FILE or set LIVRET_NOMENCLATURE")
            throw ExitCode(LivretExit.usage)
        }
        var sizeErrors: [String] = []
        func load(_ path: String) throws -> ImportInputs.File? {
            let name = URL(fileURLWithPath: path).lastPathComponent
            do throws(IOError) {
                return ImportInputs.File(name: name, data: try FileIO.read(path, limit: maxSize))
            } catch where error.errno == EFBIG {
                var status = stat()
                let size = stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG ? "\(status.st_size) bytes" : "it"
                sizeErrors.append("\(name): \(size) is over the size limit of \(maxSize) bytes (--max-size): not read")
                return nil
            } catch {
                throw ioExit(error)
            }
        }
        /// The LSL file, the large one, is read as a stream from disk when it is a regular file within
        /// the limit (never all in memory); anything else is read as the other files are.
        func stream(_ path: String) throws -> ImportInputs.File? {
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) <= maxSize,
                  access(path, R_OK) == 0
            else { return try load(path) }
            return ImportInputs.File(name: URL(fileURLWithPath: path).lastPathComponent, path: path, limit: maxSize)
        }
        let elevesFile = try load(eleves)
        let evaluationsFile = try stream(evaluations)
        let etablissementFile = try load(etablissement)
        let nomenclatureFile = try load(nomenclatureURL.path)
        let matieresFile = try NomenclatureLocator.matieres(besides: nomenclatureURL).flatMap { try load($0.path) }
        guard sizeErrors.isEmpty, let elevesFile, let evaluationsFile, let etablissementFile, let nomenclatureFile else {
            sizeErrors.forEach(printError)
            printError("livret: import refused: \(sizeErrors.count) error(s); nothing written")
            throw ExitCode(LivretExit.refused)
        }
        let inputs = ImportInputs(
            eleves: elevesFile, evaluations: evaluationsFile, etablissement: etablissementFile, nomenclature: nomenclatureFile,
            matieres: matieresFile)
        let prepared: PreparedImport
        let clock = ContinuousClock()
        let started = clock.now
        defer {
            if ProcessInfo.processInfo.environment["LIVRET_TIMING"] != nil { printError("livret: import took \(clock.now - started)") }
        }
        do {
            prepared = try Importer.prepare(inputs)
            if ProcessInfo.processInfo.environment["LIVRET_TIMING"] != nil { printError("livret: documents built after \(clock.now - started)") }
        } catch {
            if !quiet { error.warnings.forEach { printError($0.description) } }
            error.errors.forEach { printError($0.description) }
            printError("livret: import refused: \(error.errors.count) error(s); nothing written")
            throw ExitCode(LivretExit.refused)
        }
        if !quiet { prepared.report.warnings.forEach { printError($0.description) } }
        do {
            // Each document is encoded and written into the staging folder in turn (a large lycée's
            // JSON is never all in memory); the dataset is replaced only once every file is written.
            try DatasetDirectory.write(to: directory, force: force) { add in
                try prepared.encode { try add($0.fileName, $0.data) }
                try add("import-report.json", prepared.report.encoded())
            }
        } catch let refusal as DatasetDirectory.NotADataset {
            printError("livret: --into \(refusal)")
            throw ExitCode(LivretExit.refused)
        } catch let error as IOError {
            throw ioExit(error)
        }
        print("\(prepared.count) livret documents written to \(directory.path) (\(prepared.report.warnings.count) warnings, report: \(directory.appendingPathComponent("import-report.json").path))")
    }
}
