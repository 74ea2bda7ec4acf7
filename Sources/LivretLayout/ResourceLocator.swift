import Foundation

/// Finds the top-level resource folders (`Fonts/`, `Layouts/`, `Nomenclature/`) at run time, never
/// through the build tree: an explicit path, then an environment variable, then beside the
/// installed executable (`../share/livret/NAME`), then the folders above the executable (a
/// checkout's `.build/release/livret`), then the current directory.
///
/// The caller says where the executable is and what the environment holds: the library reads
/// neither `CommandLine` nor the process environment, and its errors name no option of any caller.
public struct ResourceLocator: Sendable {
    /// The running program, when known.
    public var executable: URL?
    /// The environment variables to consult.
    public var environment: [String: String]
    /// The folder relative paths are read from.
    public var currentDirectory: URL

    /// - Parameters:
    ///   - executable: the running program's path (links are followed), or nil.
    ///   - environment: the environment variables to consult.
    ///   - currentDirectory: the current directory.
    public init(executable: URL?, environment: [String: String], currentDirectory: URL) {
        self.executable = executable
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// The folder `name` that holds the file `probe`.
    /// - Parameters:
    ///   - name: the folder's name beside the program, e.g. `Layouts`.
    ///   - probe: a file the folder must hold, e.g. `gt-2012.json`.
    ///   - explicit: a path the user gave, used alone when present.
    ///   - environmentVariable: the variable that may name the folder, e.g. `LIVRET_LAYOUTS`.
    /// - Throws: `.resource` naming what was tried.
    public func directory(
        named name: String, containing probe: String, explicit: String?, environmentVariable: String?
    ) throws(LayoutError) -> URL {
        let fileManager = FileManager.default
        if let explicit {
            let url = URL(fileURLWithPath: explicit, relativeTo: currentDirectory).standardizedFileURL
            guard fileManager.fileExists(atPath: url.appendingPathComponent(probe).path) else {
                throw .resource("\(explicit) does not hold \(probe)")
            }
            return url
        }
        if let environmentVariable, let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            let url = URL(fileURLWithPath: fromEnvironment, relativeTo: currentDirectory).standardizedFileURL
            guard fileManager.fileExists(atPath: url.appendingPathComponent(probe).path) else {
                throw .resource("\(environmentVariable)=\(fromEnvironment) does not hold \(probe)")
            }
            return url
        }
        var candidates: [URL] = []
        if let executable {
            var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("../share/livret/\(name)").standardizedFileURL)
            for _ in 0..<5 {
                candidates.append(folder.appendingPathComponent(name))
                folder = folder.deletingLastPathComponent()
            }
        }
        candidates.append(currentDirectory.appendingPathComponent(name))
        for candidate in candidates where fileManager.fileExists(atPath: candidate.appendingPathComponent(probe).path) {
            return candidate
        }
        throw .resource(
            "cannot find the \(name) folder (holding \(probe)) beside the program or in the current directory"
                + (environmentVariable.map { "; \($0) can name it" } ?? ""))
    }
}
