import Foundation
import LivretModel

/// A dataset as `livret import` writes it: a folder of canonical documents, `INE.json` per
/// pupil, beside `import-report.json`. The one reader of datasets (print runs, LSL export).
public struct Dataset: Sendable {
    /// The folder.
    public let directory: URL
    /// The documents' files, sorted by name (hidden files and the import report left out).
    public let files: [URL]

    /// Lists the documents of `directory`.
    /// - Throws: `.refused` when it is not a folder or holds no document, `.io` when it cannot be listed.
    public init(directory: URL) throws(PipelineError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .refused("\(directory.path): no such dataset directory")
        }
        let names: [String]
        do throws(IOError) {
            names = try FileIO.list(directory.path)
        } catch {
            throw .io(error)
        }
        self.directory = directory
        self.files = names
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && $0 != "import-report.json" }
            .sorted()
            .map { directory.appendingPathComponent($0) }
        if files.isEmpty { throw .refused("\(directory.path): no livret document (*.json) in this directory") }
    }

    /// Reads and checks one document.
    /// - Throws: `.io` when the file cannot be read, `.document` when it is not a valid livret.
    public static func document(at file: URL) throws(PipelineError) -> LivretDocument {
        let data = try contents(of: file)
        do {
            return try LivretDocument.decode(data, source: file.lastPathComponent)
        } catch {
            throw .document(error)
        }
    }

    /// A file's bytes, or `.io` naming it.
    static func contents(of file: URL) throws(PipelineError) -> Data {
        do throws(IOError) {
            return try FileIO.read(file.path)
        } catch {
            throw .io(error)
        }
    }
}
