import Crypto
import Foundation
import LivretTestSupport

/// Helpers of the archive tests: a fresh archive home, the CLI bound to it, the shared tools.
struct ArchiveHome {
    let url: URL

    init() throws { url = try TestSupport.temporaryDirectory("livret-archive") }

    /// An archive home at `url` (created by the first command).
    init(url: URL) { self.url = url }

    var root: URL { url.appendingPathComponent("ocfl-root") }

    @discardableResult
    func livret(_ arguments: [String]) throws -> ProcessResult {
        try TestSupport.livret(arguments, environment: ["LIVRET_ARCHIVE": url.path])
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum Tools {
    static var validateRoot: String { TestSupport.sharedTools.appendingPathComponent("ocfl-validate-root").path }

    /// The venv holding ocfl-py (`python-tools-env` prints it).
    static func venv() throws -> String {
        let result = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("python-tools-env").path, [])
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs ocfl-validate-root and returns (exit status, last line).
    static func validate(root: URL) throws -> (status: Int32, summary: String, output: String) {
        let result = try TestSupport.run(validateRoot, [root.path])
        let lines = result.stdoutText.split(separator: "\n")
        return (result.status, lines.last.map(String.init) ?? "", result.stdoutText)
    }
}

func sha512Hex(_ data: Data) -> String { SHA512.hash(data: data).map { String(format: "%02x", $0) }.joined() }

func randomData(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255) }) }

/// Random bytes from a seeded generator: a failing run can be replayed from its seed.
func randomData<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> Data {
    Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
}

/// A seeded generator (SplitMix64), for tests that print their seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func write(_ data: Data, _ url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url)
}

/// The official OCFL 1.1 fixtures, in `shared/reference` beside the tools.
let fixtures = TestSupport.sharedReference.appendingPathComponent("ocfl-fixtures/1.1")
