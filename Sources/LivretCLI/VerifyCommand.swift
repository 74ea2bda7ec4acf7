import ArgumentParser
import Foundation
import LivretArchive
import LivretModel
import LivretPipeline
import LivretSign
import Logging
import X509

/// `livret verify FILE… [--archive PATH]`, `livret verify --qr TEXT [--archive PATH]`: is each
/// file signed by the lycée, intact, wholly covered, archived and current?
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check signed livrets and receipts, or a receipt's verification string (--qr).",
        discussion: """
            One line per file: "authentic: signed by … on …", or why not: "not signed", "altered \
            after signing", "bytes added after the signature", "not issued by <UAI>", or a \
            certificate not valid on the signing date. The trusted certificate is --trust CERT \
            (the lycée's, or an authority's that issued it), else the certificate of the keys \
            folder, and, with --archive, the certificates archived in the lycée's object \
            (urn:lsl:uai:<UAI>), so that an archive alone is enough.

            With --archive PATH, a livret must also be an archived version of its pupil (the INE \
            of the document embedded in it): "not in this archive", "superseded by v3 on \
            2016-07-02" when a later version replaced it (a version that only adds a returned \
            receipt does not), and its embedded source, drawn again (with the layouts and fonts \
            of this program, the layout the document names or --layout), must give the bytes \
            before the signature: "the embedded source does not render to this livret".

            --qr TEXT checks a receipt's verification string \
            LSL1:<UAI>:<INE>:<année>:<version>:<sha256> against the archive (--archive, else \
            $LIVRET_ARCHIVE, else ./Archive): that version of that pupil exists, its livret has \
            that SHA-256 and was issued by that UAI, and whether a later version superseded it. No name is printed: INE, year, version, date.

            Exit 0 when everything checked is authentic, 1 otherwise (a malformed string too), \
            64 wrong usage, 74 when a file or the archive cannot be read.
            """)

    @Argument(help: "The PDF files to check.")
    var files: [String] = []

    @Option(name: .long, help: "A receipt's verification string (LSL1:…) to check against --archive.")
    var qr: String?

    @Option(name: .long, help: "The archive to find the livrets in (an archive home, holding ocfl-root/).")
    var archive: String?

    @Option(name: .long, help: "A trusted certificate (PEM); may be repeated.")
    var trust: [String] = []

    @OptionGroup var keys: KeysOptions

    @OptionGroup var layoutOptions: LayoutOptions

    func validate() throws {
        if files.isEmpty && qr == nil { throw ValidationError("give the PDF files to check, or --qr TEXT") }
        if !files.isEmpty && qr != nil { throw ValidationError("give either PDF files or --qr, not both") }
    }

    func run() async throws {
        if let qr {
            // A string is checked against an archive: --archive, else $LIVRET_ARCHIVE, else ./Archive.
            let verifier = LivretVerifier(trusted: [], archive: try openArchive(archive ?? ArchiveOptions.home(nil).path))
            do {
                let verdict = try verifier.verify(code: qr)
                printSafe("\(qr): \(verdict.message)")
                if !verdict.isAuthentic { throw ExitCode(LivretExit.refused) }
            } catch let failure as LivretVerifier.Failure {
                printSafe("\(qr): \(failure)")
                if case .archive = failure { throw ExitCode(LivretExit.io) }
                throw ExitCode(LivretExit.refused)
            }
            return
        }
        let opened = try archive.map(openArchive)
        let trusted = try trustedCertificates(archive: opened)
        let verifier = LivretVerifier(trusted: trusted, archive: opened, renderer: opened == nil ? nil : try layoutOptions.renderer())
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
            do {
                let verdict = try await verifier.verify(pdf: data)
                printSafe("\(file): \(verdict.message)")
                if !verdict.isAuthentic { allAuthentic = false }
            } catch {
                printSafe("\(file): the archive cannot be read: \(error)")
                unreadable = true
                allAuthentic = false
            }
        }
        if unreadable { throw ExitCode(LivretExit.io) }
        if !allAuthentic { throw ExitCode(LivretExit.refused) }
    }

    /// The archive at `archive`, refused when the folder holds no storage root (nothing is created).
    func openArchive(_ archive: String) throws -> Archive {
        let home = URL(fileURLWithPath: archive)
        guard FileManager.default.fileExists(atPath: home.appendingPathComponent("ocfl-root/0=ocfl_1.1").path) else {
            printError("livret verify: --archive \(MessageText.quoted(archive)): no archive there (no ocfl-root/0=ocfl_1.1)")
            throw ExitCode(LivretExit.io)
        }
        var log = Logger(label: "livret.archive")
        log.logLevel = .error
        return try archiveCall { try Archive(home: home, logger: log) }
    }

    /// --trust, else the keys folder's certificate and the archive's certificates.
    func trustedCertificates(archive: Archive?) throws -> [Certificate] {
        var trusted: [Certificate] = []
        if !trust.isEmpty {
            for path in trust {
                trusted += try signCall("verify") { () throws(SignError) in try SigningIdentity.readCertificates(URL(fileURLWithPath: path)) }
            }
            return trusted
        }
        let folder = keys.folder
        if FileManager.default.fileExists(atPath: folder.certificateFile.path) {
            trusted += try signCall("verify") { () throws(SignError) in try folder.certificates() }
        }
        if let archive { trusted += try archiveCall { try LivretVerifier.archivedCertificates(archive) } }
        if trusted.isEmpty {
            printError("livret verify: no certificate to trust: give --trust CERT, use the keys folder's (\(folder.url.path)), or an --archive holding the lycée's certificates")
            throw ExitCode(LivretExit.refused)
        }
        return trusted
    }
}
