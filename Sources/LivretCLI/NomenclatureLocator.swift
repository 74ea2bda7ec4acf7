import Foundation
import LivretLayout

/// Finds the nomenclature files at run time: `--nomenclature FILE`, then `LIVRET_NOMENCLATURE`,
/// then a `Nomenclature/` folder found as every resource folder is (`ResourceLocator`: beside
/// the installed program, above a checkout's build folder, or in the current directory).
enum NomenclatureLocator {
    static let fileName = "lsl-nomenclatures.xml"
    static let matieresFileName = "Import_MEF.xml"

    static func locate(_ flag: String?) -> URL? {
        if let flag { return URL(fileURLWithPath: flag) }
        let locator = ResourceLocator.forThisProgram
        if let environment = locator.environment["LIVRET_NOMENCLATURE"], !environment.isEmpty {
            return URL(fileURLWithPath: environment)
        }
        let directory = try? locator.directory(named: "Nomenclature", containing: fileName, explicit: nil, environmentVariable: nil)
        return directory?.appendingPathComponent(fileName)
    }

    /// `Import_MEF.xml` beside the nomenclature, when there is one.
    static func matieres(besides nomenclature: URL) -> URL? {
        let candidate = nomenclature.deletingLastPathComponent().appendingPathComponent(matieresFileName)
        return FileManager.default.isReadableFile(atPath: candidate.path) ? candidate : nil
    }
}
