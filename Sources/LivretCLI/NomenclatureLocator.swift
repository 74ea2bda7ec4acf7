import Foundation

/// Finds the nomenclature files at run time: `--nomenclature FILE`, then `LIVRET_NOMENCLATURE`,
/// then a `Nomenclature/` directory beside the executable (installed: `../share/livret/`; built:
/// the repository two levels up), in the current directory, or in the repository this was built from.
enum NomenclatureLocator {
    static let fileName = "lsl-nomenclatures.xml"
    static let matieresFileName = "Import_MEF.xml"

    static func locate(_ flag: String?) -> URL? {
        if let flag { return URL(fileURLWithPath: flag) }
        if let environment = ProcessInfo.processInfo.environment["LIVRET_NOMENCLATURE"], !environment.isEmpty {
            return URL(fileURLWithPath: environment)
        }
        let fileManager = FileManager.default
        var directories: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        directories.append(executable.appendingPathComponent("Nomenclature"))
        directories.append(executable.appendingPathComponent("../share/livret/Nomenclature").standardized)
        var up = executable
        for _ in 0..<4 {
            up = up.deletingLastPathComponent()
            directories.append(up.appendingPathComponent("Nomenclature"))
        }
        directories.append(URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Nomenclature"))
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        directories.append(repository.appendingPathComponent("Nomenclature"))
        for directory in directories {
            let candidate = directory.appendingPathComponent(fileName)
            if fileManager.isReadableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// `Import_MEF.xml` beside the nomenclature, when there is one.
    static func matieres(besides nomenclature: URL) -> URL? {
        let candidate = nomenclature.deletingLastPathComponent().appendingPathComponent(matieresFileName)
        return FileManager.default.isReadableFile(atPath: candidate.path) ? candidate : nil
    }
}
