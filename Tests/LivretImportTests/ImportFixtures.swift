import Foundation
import LivretImport
import LivretTestSupport

/// Generated lycées and the helpers the import tests share.
enum ImportFixtures {
    static let genLycee = TestSupport.sharedTools.appendingPathComponent("gen-lycee").path
    static let nomenclature = TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml")
    static let officialSchema = TestSupport.sharedReference.appendingPathComponent("lsl/import-lsl.xsd")

    /// A fresh lycée from gen-lycee in a new temporary directory.
    static func lycee(_ arguments: [String] = []) throws -> URL {
        let directory = try TestSupport.temporaryDirectory("livret-import")
        let result = try TestSupport.run(genLycee, ["--out", directory.path] + arguments)
        guard result.status == 0 else { throw Failure(message: "gen-lycee failed: \(result.stderr)") }
        return directory
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// `livret import` on the files of `lycee` (the LSL file and others may be replaced).
    static func importCommand(
        _ lycee: URL, into dataset: URL, evaluations: URL? = nil, eleves: URL? = nil, etablissement: URL? = nil,
        extra: [String] = []
    ) throws -> ProcessResult {
        try TestSupport.livret([
            "import", "--nomenclature", nomenclature.path,
            "--eleves", (eleves ?? lycee.appendingPathComponent("ElevesSansAdresses.xml")).path,
            "--evaluations", (evaluations ?? lycee.appendingPathComponent("import-lsl.xml")).path,
            "--etablissement", (etablissement ?? lycee.appendingPathComponent("etablissement.json")).path,
            "--into", dataset.path,
        ] + extra)
    }

    /// The library's import of a lycée's files.
    static func inputs(_ lycee: URL, evaluations: Data? = nil, eleves: Data? = nil) throws -> ImportInputs {
        func file(_ name: String) throws -> ImportInputs.File {
            .init(name: name, data: try Data(contentsOf: lycee.appendingPathComponent(name)))
        }
        return ImportInputs(
            eleves: try eleves.map { .init(name: "ElevesSansAdresses.xml", data: $0) } ?? file("ElevesSansAdresses.xml"),
            evaluations: try evaluations.map { .init(name: "import-lsl.xml", data: $0) } ?? file("import-lsl.xml"),
            etablissement: try file("etablissement.json"),
            nomenclature: .init(name: "lsl-nomenclatures.xml", data: try Data(contentsOf: nomenclature)),
            matieres: .init(name: "Import_MEF.xml", data: try Data(contentsOf: nomenclature.deletingLastPathComponent().appendingPathComponent("Import_MEF.xml"))))
    }

    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Writes `text` (UTF-8) into `directory/name`.
    @discardableResult
    static func write(_ text: String, _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The LSL file of `lycee` with the first occurrence of `target` replaced.
    static func lsl(_ lycee: URL, replacing target: String, with replacement: String) throws -> String {
        let text = try text(lycee.appendingPathComponent("import-lsl.xml"))
        guard let range = text.range(of: target) else { throw Failure(message: "'\(target)' not in the LSL file") }
        return text.replacingCharacters(in: range, with: replacement)
    }

    /// Every file of a directory tree, name → bytes.
    static func snapshot(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return files }
        for name in names { files[name] = try? Data(contentsOf: directory.appendingPathComponent(name)) }
        return files
    }

    /// `xmllint --schema` with the rectorat's XSD: true when valid.
    static func officialSchemaAccepts(_ file: URL) throws -> Bool {
        try TestSupport.run("xmllint", ["--noout", "--nonet", "--schema", officialSchema.path, file.path]).status == 0
    }
}
