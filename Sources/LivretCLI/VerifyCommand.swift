import ArgumentParser
import Foundation
import LivretModel
import LivretSign
import X509

/// `livret verify FILE…`: is each file signed by the lycée, intact, and wholly covered?
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the signature of signed livrets and receipts.",
        discussion: """
            One line per file: "authentic: signed by … on …", or why not: "not signed", "altered \
            after signing", "bytes added after the signature", "not issued by <UAI>", or a \
            certificate not valid on the signing date. The trusted certificate is --trust CERT \
            (the lycée's, or an authority's that issued it), else the certificate of the keys \
            folder. Exit 0 when every file is authentic, 1 otherwise, 74 when a file cannot be read.
            """)

    @Argument(help: "The PDF files to check.")
    var files: [String]

    @Option(name: .long, help: "A trusted certificate (PEM); may be repeated.")
    var trust: [String] = []

    @OptionGroup var keys: KeysOptions

    func run() async throws {
        var trusted: [Certificate] = []
        if trust.isEmpty {
            let folder = keys.folder
            trusted = try signCall("verify") { () throws(SignError) in
                guard FileManager.default.fileExists(atPath: folder.certificateFile.path) else {
                    throw SignError(.noIdentity, file: folder.url.path, "no certificate to trust: give --trust CERT or use the keys folder's")
                }
                return try folder.certificates()
            }
        } else {
            for path in trust {
                trusted += try signCall("verify") { () throws(SignError) in try SigningIdentity.readCertificates(URL(fileURLWithPath: path)) }
            }
        }
        let verifier = SignatureVerifier(trusted: trusted)
        var allAuthentic = true
        var unreadable = false
        for file in files {
            let data: Data
            do throws(IOError) {
                data = try FileIO.read(file)
            } catch {
                printSafe("\(file): \(error.reason): cannot be read")
                unreadable = true
                allAuthentic = false
                continue
            }
            let verdict = await verifier.verify(pdf: [UInt8](data))
            printSafe("\(file): \(verdict.message)")
            if !verdict.isAuthentic { allAuthentic = false }
        }
        if unreadable { throw ExitCode(LivretExit.io) }
        if !allAuthentic { throw ExitCode(LivretExit.refused) }
    }
}
