import ArgumentParser
import Foundation
import LivretModel
import LivretSign

/// `livret sign IN.pdf -o OUT.pdf`: adds the lycée's PAdES signature to a finished PDF.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a PDF with the lycée's key (PAdES B-B, as an incremental update).",
        discussion: """
            The signed file is the input, byte for byte, followed by the signature: a signature \
            field, the CMS signature (SHA-256, ETSI.CAdES.detached) and a new cross-reference \
            section. --date is the signing time written in the signature (/M): YYYY-MM-DD or \
            YYYY-MM-DDTHH:MM:SSZ, default now. Exit 1 when the key or certificate cannot be used \
            or the PDF cannot be updated (nothing is written).
            """)

    @Argument(help: "The PDF to sign.")
    var input: String

    @Option(name: .shortAndLong, help: "The signed PDF to write.")
    var output: String

    @Option(name: .long, help: "The signing time (/M): YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (default: now).")
    var date: String?

    @OptionGroup var keys: KeysOptions

    func run() throws {
        let signingTime = try date.map(parseSigningDate) ?? Date()
        let identity = try signCall("sign") { () throws(SignError) in try keys.folder.load() }
        let pdf = try readInput(input)
        let signed = try signCall("sign") { () throws(SignError) in
            try PAdESSigner(signer: identity.signer).sign(pdf: [UInt8](pdf), date: signingTime, name: input)
        }
        try writeSignedOutput(Data(signed), to: output)
    }
}

/// `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`; a wrong date is a usage error.
func parseSigningDate(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withFullDate]
    if text.count == 10, let date = formatter.date(from: text) { return date }
    printError("livret: --date '\(text)' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ")
    throw ExitCode(LivretExit.usage)
}

/// Writes `data` to `path`: atomically for a regular file, directly into a device, FIFO or socket
/// (renaming over /dev/null would replace the device), standard output for `-`.
func writeSignedOutput(_ data: Data, to path: String) throws {
    var status = stat()
    if path != "-", stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG, (status.st_mode & S_IFMT) != S_IFDIR {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            printError("livret: cannot write \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(LivretExit.io)
        }
        defer { try? handle.close() }
        handle.write(data)
        return
    }
    try writeOutput(data, to: path)
}
