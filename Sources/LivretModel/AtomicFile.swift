import Foundation

/// Writes whole files or nothing: the bytes go to a temporary sibling, are flushed to disk,
/// and the sibling is renamed over the destination. A reader never sees a half-written file.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = temporarySibling(of: url)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            let code = errno
            throw POSIXError(POSIXErrorCode(rawValue: code == 0 ? EIO : code) ?? .EIO)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    /// The temporary name of `url`: `.NAME.tmp-PID-RANDOM`, beside it.
    public static func temporarySibling(of url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Removes the temporary files (`.NAME.tmp-PID…`) that a process killed mid-write left in
    /// `directory`: only those whose process is gone, so that a concurrent writer is never touched.
    /// Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: ".tmp-", options: .backwards) else { continue }
            let digits = name[marker.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil { removed.append(name) }
            }
        }
        return removed
    }
}
