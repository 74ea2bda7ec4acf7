import Foundation

/// Finds the top-level resource folders (`Fonts/`, `Layouts/`) at run time, never through the
/// build tree: an explicit path, then an environment variable, then beside the installed
/// executable (`../share/livret/NAME`), then the folders above the executable (a checkout's
/// `.build/release/livret`), then the current directory.
public enum ResourceLocator {
    public static func directory(
        named name: String, containing probe: String, explicit: String?, environmentVariable: String
    ) throws(LayoutError) -> URL {
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(probe).path) else {
                throw .resource("\(explicit) does not hold \(probe)")
            }
            return url
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            let url = URL(fileURLWithPath: fromEnvironment)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(probe).path) else {
                throw .resource("\(environmentVariable)=\(fromEnvironment) does not hold \(probe)")
            }
            return url
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        candidates.append(folder.appendingPathComponent("../share/livret/\(name)").standardizedFileURL)
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(name))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(name))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent(probe).path) {
            return candidate
        }
        throw .resource("cannot find the \(name) folder (holding \(probe)); name it with --\(name.lowercased()) or \(environmentVariable)")
    }
}
