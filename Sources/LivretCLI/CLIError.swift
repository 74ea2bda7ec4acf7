import ArgumentParser
import LivretModel
import Foundation

/// Exit codes documented in `livret --help`.
public enum LivretExit {
    public static let refused: Int32 = 1
    public static let usage: Int32 = 64
    public static let software: Int32 = 70
    public static let io: Int32 = 74
}

/// Prints a message on standard error, control characters that came from input escaped
/// (`MessageText.escaped`, line feeds kept: a message may list several problems). Never traps:
/// a failing standard error is ignored.
func printError(_ message: String) {
    let safe = MessageText.escaped(message, keepingNewlines: true)
    FileIO.writeStandardError(safe.hasSuffix("\n") ? safe : safe + "\n")
}

/// Prints an I/O error and returns the exit it maps to: every I/O error is exit 74 (`EX_IOERR`).
func ioExit(_ error: IOError) -> ExitCode {
    printError("livret: \(error)")
    return ExitCode(LivretExit.io)
}

/// Refuses an empty path given to `option` (exit 64): `-o ''` is a mistake, not the current folder.
func requirePath(_ path: String, option: String) throws {
    if path.isEmpty { throw ValidationError("\(option) is empty: give a file name, or - for standard \(option == "-o" || option == "--output" ? "output" : "input")") }
}

/// Checks, before any work and without creating anything, that an output folder can be made or
/// written: a path under a file, a file, a read-only folder or file system is exit 74 naming it.
func prepareOutputFolder(_ path: String) throws {
    do throws(IOError) {
        try FileIO.checkFolderCanBeWritten(path)
    } catch {
        throw ioExit(error)
    }
}

/// Reads a whole file, or standard input for `-`, at most `limit` bytes; an unreadable file, a
/// device, a folder or a file over the limit is an I/O error (exit 74).
func readInput(_ path: String, limit: Int = FileIO.defaultReadLimit) throws -> Data {
    do throws(IOError) {
        return path == "-" ? try FileIO.readStandardInput(limit: limit) : try FileIO.read(path, limit: limit)
    } catch {
        throw ioExit(error)
    }
}

/// Writes a whole file by `AtomicFile`'s rules (atomically over a file, in place into a device or
/// FIFO), or standard output for `-`; a failure is exit 74.
func writeOutput(_ data: Data, to path: String) throws {
    do throws(IOError) {
        if path == "-" {
            try FileIO.writeStandardOutput(data)
        } else {
            try AtomicFile.write(data, toPath: path)
        }
    } catch {
        throw ioExit(error)
    }
}

/// Writes text to standard output; a failure (closed, full, reader gone) is exit 74.
func writeStandardOutput(_ text: String) throws {
    do throws(IOError) { try FileIO.writeStandardOutput(Data(text.utf8)) } catch { throw ioExit(error) }
}
