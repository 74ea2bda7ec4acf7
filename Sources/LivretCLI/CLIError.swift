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
/// (`MessageText.escaped`, line feeds kept: a message may list several problems).
func printError(_ message: String) {
    let safe = MessageText.escaped(message, keepingNewlines: true)
    FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
}

/// Reads a whole file, or standard input for `-`; an unreadable file is an I/O error (exit 74).
func readInput(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        printError("livret: cannot read \(path): \(describeIOError(error))")
        throw ExitCode(LivretExit.io)
    }
}

/// Writes a whole file atomically, or standard output for `-`.
func writeOutput(_ data: Data, to path: String) throws {
    if path == "-" {
        FileHandle.standardOutput.write(data)
        return
    }
    do {
        try AtomicFile.write(data, to: URL(fileURLWithPath: path))
    } catch {
        printError("livret: cannot write \(path): \(describeIOError(error))")
        throw ExitCode(LivretExit.io)
    }
}

func describeIOError(_ error: any Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return nsError.localizedDescription
}
