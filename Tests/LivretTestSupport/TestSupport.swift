import Foundation

/// What a finished process said.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Helpers shared by the test targets: run the `livret` binary and the reader tools
/// (pdftotext, pdffonts, qpdf…) as a person would.
public enum TestSupport {
    /// The repository root (this file is Tests/LivretTestSupport/TestSupport.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared tools (gen-lycee, ocfl-validate-root, python-tools-env…): `LIVRET_SHARED_TOOLS`,
    /// the one rule, wherever the checkout is (`make test` sets it from `SHARED`). Unset, the tests
    /// that need a tool fail naming the variable.
    public static let sharedTools: URL = {
        if let path = ProcessInfo.processInfo.environment["LIVRET_SHARED_TOOLS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: "/LIVRET_SHARED_TOOLS-is-not-set/tools")
    }()

    /// The shared reference files (schemas, OCFL fixtures): `reference/` beside the shared tools.
    public static var sharedReference: URL {
        sharedTools.deletingLastPathComponent().appendingPathComponent("reference")
    }

    /// The `livret` executable built beside the test bundle (or `LIVRET_BIN`).
    public static let livretBinary: URL = {
        if let path = ProcessInfo.processInfo.environment["LIVRET_BIN"] { return URL(fileURLWithPath: path) }
        let bundleDirectory = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [bundleDirectory, Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap({ $0 }) {
            let url = candidate.appendingPathComponent("livret")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/livret")
    }()

    /// Runs a program to completion; `input` is written to its standard input.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("livret-test-\(UUID().uuidString).out")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("livret-test-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ProcessResult(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs `livret` with arguments. Unless the caller sets `LIVRET_KEYS`, it names a keys folder
    /// that does not exist: a `Keys/` left by `make run` beside the default archive, or the
    /// tester's own `$LIVRET_KEYS`, never signs a test's print run (tests that sign pass --keys).
    @discardableResult
    public static func livret(_ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
        var environment = environment ?? [:]
        if environment["LIVRET_KEYS"] == nil { environment["LIVRET_KEYS"] = noKeys.path }
        return try run(livretBinary.path, arguments, input: input, environment: environment)
    }

    /// A keys folder that does not exist (inside the process's temporary folder).
    public static let noKeys: URL = temporaryRoot.appendingPathComponent("no-keys")

    /// A new empty directory inside this test process's own temporary folder, which is removed
    /// when the process exits (a test may also remove its directory when done).
    public static func temporaryDirectory(_ name: String = "livret") throws -> URL {
        let url = temporaryRoot.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `livret-tests-PID` in the system's temporary folder, removed at exit.
    public static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("livret-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestSupport.temporaryRoot) }
        return url
    }()

    /// The text of a PDF as `pdftotext -layout` reads it (or in reading order without `layout`).
    public static func pdfText(_ pdf: URL, layout: Bool = false, firstPage: Int? = nil, lastPage: Int? = nil) throws -> String {
        var arguments = layout ? ["-layout"] : []
        if let firstPage { arguments += ["-f", "\(firstPage)"] }
        if let lastPage { arguments += ["-l", "\(lastPage)"] }
        let result = try run("pdftotext", arguments + ["-enc", "UTF-8", pdf.path, "-"])
        return result.stdoutText
    }

    /// `pdfinfo` fields (`Pages`, `Title`, …).
    public static func pdfInfo(_ pdf: URL) throws -> [String: String] {
        let result = try run("pdfinfo", ["-enc", "UTF-8", pdf.path])
        var fields: [String: String] = [:]
        for line in result.stdoutText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}

extension TestSupport {
    /// SHA-256 of a file or of bytes, as hex, through `sha256sum` (tests compare digests, not byte arrays).
    public static func sha256(_ file: URL) throws -> String {
        let result = try run("sha256sum", [file.path])
        let digest = String(result.stdoutText.prefix(64))
        guard result.status == 0, digest.count == 64 else { throw ToolFailure(tool: "sha256sum", status: result.status, stderr: result.stderr) }
        return digest
    }

    /// SHA-256 of bytes, as hex, through `sha256sum`; throws when it cannot be computed (never "").
    public static func sha256(_ data: Data) throws -> String {
        let result = try run("sha256sum", ["-"], input: data)
        let digest = String(result.stdoutText.prefix(64))
        guard result.status == 0, digest.count == 64 else { throw ToolFailure(tool: "sha256sum", status: result.status, stderr: result.stderr) }
        return digest
    }

    /// A tool the tests run failed.
    public struct ToolFailure: Error, CustomStringConvertible {
        public var tool: String
        public var status: Int32
        public var stderr: String
        public var description: String { "\(tool) exited \(status): \(stderr)" }
    }
}
