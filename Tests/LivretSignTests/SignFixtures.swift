import Foundation
import LivretSign
import LivretTestSupport
import Testing

/// Keys, PDFs and third-party checkers shared by the signature tests.
enum SignFixtures {
    static let profile = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee/etablissement.json")
    static let specimen = TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json")

    /// A keys folder made by `livret keys init` for the sample lycée (0351261F), inside `directory`.
    static func keysFolder(in directory: URL) throws -> URL {
        let keys = directory.appendingPathComponent("Keys")
        let result = try TestSupport.livret(["keys", "init", "--etablissement", profile.path, "--keys", keys.path])
        try #require(result.status == 0, "keys init: \(result.stderr)")
        return keys
    }

    /// The specimen livret rendered by `livret render` into `directory`.
    static func unsignedPDF(in directory: URL) throws -> URL {
        let pdf = directory.appendingPathComponent("specimen.pdf")
        let result = try TestSupport.livret(["render", specimen.path, "-o", pdf.path])
        try #require(result.status == 0, "render: \(result.stderr)")
        return pdf
    }

    /// An établissement profile for another lycée (0382032C).
    static func otherProfile(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("autre.json")
        try Data(#"{"uai": "0382032C", "nom": "Lycée Champollion"}"#.utf8).write(to: url)
        return url
    }

    /// The Python virtual environment with pyHanko that `make test-deps` prepares
    /// (`$LIVRET_PYENV`, else `.build/pyenv`).
    static func pyHankoEnvironment() throws -> URL {
        let path = ProcessInfo.processInfo.environment["LIVRET_PYENV"]
            ?? TestSupport.repositoryRoot.appendingPathComponent(".build/pyenv").path
        let python = URL(fileURLWithPath: path).appendingPathComponent("bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path),
                     "no Python environment with pyHanko at \(path): run `make test-deps` (or set LIVRET_PYENV)")
        return URL(fileURLWithPath: path)
    }

    /// `pdfsig` output for a file.
    static func pdfsig(_ pdf: URL) throws -> ProcessResult {
        try TestSupport.run("pdfsig", [pdf.path])
    }

    /// Writes `bytes` with one byte flipped at `offset`.
    static func flipped(_ source: URL, at offset: Int, to destination: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: source))
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: destination)
    }
}
