import ArgumentParser
import Foundation
import LivretImport
import LivretPipeline
import LivretSign

/// `livret keys …`: the lycée's signing key and certificate.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, import or show the lycée's signing key and certificate.",
        discussion: """
            The keys folder is --keys DIR, else $LIVRET_KEYS, else Keys/ beside the archive home \
            (./Keys beside ./Archive). It holds signing-key.pem (mode 0600, never printed), \
            signing-cert.pem and, for a certificate from an authority, chain.pem. Keep it out of \
            the archive and out of version control; back it up somewhere safe.
            """,
        subcommands: [KeysInitCommand.self, KeysImportCommand.self, KeysShowCommand.self])
}

/// Options every command that reads the keys folder shares.
struct KeysOptions: ParsableArguments {
    @Option(name: .long, help: "The keys folder (default: $LIVRET_KEYS, else Keys/ beside the archive home).")
    var keys: String?

    /// The keys folder: --keys, else $LIVRET_KEYS, else Keys/ beside `archiveHome`.
    func folder(archiveHome: URL) -> KeysFolder {
        KeysFolder(url: KeysFolder.defaultURL(keysOption: keys, archiveHome: archiveHome))
    }

    var folder: KeysFolder {
        let environment = ProcessInfo.processInfo.environment
        let archiveHome: URL
        if let path = environment["LIVRET_ARCHIVE"], !path.isEmpty {
            archiveHome = URL(fileURLWithPath: path)
        } else {
            archiveHome = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Archive")
        }
        return KeysFolder(url: KeysFolder.defaultURL(keysOption: keys, environment: environment, archiveHome: archiveHome))
    }
}

/// Runs a signing-library call, printing its error and mapping it to the documented exit codes.
func signCall<T>(_ command: String, _ body: () throws(SignError) -> T) throws -> T {
    do {
        return try body()
    } catch {
        printError("livret \(command): \(error.description)")
        throw ExitCode(error.code == .io ? LivretExit.io : LivretExit.refused)
    }
}

/// Prints what `keys show` and `keys init` print of a certificate.
func printCertificate(_ summary: CertificateSummary, folder: KeysFolder) {
    print("""
        keys folder:  \(folder.url.path)
        subject:      \(summary.subject)
        issuer:       \(summary.issuer)
        UAI:          \(summary.uai ?? "(none in the subject)")
        valid from:   \(CertificateSummary.timestamp(summary.notValidBefore))
        valid until:  \(CertificateSummary.timestamp(summary.notValidAfter))
        SHA-256:      \(summary.sha256Fingerprint)
        """)
}

struct KeysInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a P-256 key and a self-signed certificate for the établissement.",
        discussion: """
            The certificate's subject is the établissement's name and UAI (read from the \
            établissement profile, etablissement.json); it is valid 10 years, for digital \
            signatures and non-repudiation. Refused, writing nothing, when the keys folder \
            already holds a key or a certificate.
            """)

    @Option(name: .long, help: "The établissement profile (default: ./etablissement.json).")
    var etablissement: String = "etablissement.json"

    @OptionGroup var keys: KeysOptions

    func run() throws {
        let data = try readInput(etablissement)
        let profile: EtablissementProfile
        do {
            profile = try EtablissementProfile.read(data, fileName: etablissement)
        } catch {
            for issue in error.errors { printError("livret keys init: \(issue)") }
            throw ExitCode(LivretExit.refused)
        }
        let folder = keys.folder
        if folder.hasIdentity {
            printError("livret keys init: \(folder.url.path): already holds a signing key or certificate: nothing was written")
            throw ExitCode(LivretExit.refused)
        }
        let identity = try signCall("keys init") { () throws(SignError) in
            try SigningIdentity.create(etablissement: profile.nom, uai: profile.uai)
        }
        try signCall("keys init") { () throws(SignError) in try folder.store(identity) }
        printCertificate(CertificateSummary(identity.certificate), folder: folder)
    }
}

struct KeysImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a key and a certificate issued by an authority into the keys folder.",
        discussion: """
            The key must be a P-256 (ECDSA) private key in PEM, readable by its owner only (0600); \
            the certificate must be its certificate, valid today; --chain holds the certificates \
            that issued it, issuer first. Everything is checked before anything is written.
            """)

    @Option(name: .long, help: "The private key (PEM, P-256, mode 0600).")
    var key: String

    @Option(name: .long, help: "The certificate (PEM).")
    var cert: String

    @Option(name: .long, help: "The issuing certificates (PEM, issuer first).")
    var chain: String?

    @OptionGroup var keys: KeysOptions

    func run() throws {
        let folder = keys.folder
        let identity = try signCall("keys import") { () throws(SignError) in
            try SigningIdentity.load(keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert),
                                     chainFile: chain.map { URL(fileURLWithPath: $0) })
        }
        try signCall("keys import") { () throws(SignError) in try folder.store(identity) }
        printCertificate(CertificateSummary(identity.certificate), folder: folder)
    }
}

struct KeysShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the certificate's subject, validity and SHA-256 fingerprint (never the key).",
        discussion: "Exit 1 when the key or certificate cannot be used (mismatched, expired, key readable by others).")

    @OptionGroup var keys: KeysOptions

    func run() throws {
        let folder = keys.folder
        let identity = try signCall("keys show") { () throws(SignError) in try folder.load() }
        printCertificate(CertificateSummary(identity.certificate), folder: folder)
        for (index, issuer) in identity.chain.enumerated() {
            print("chain \(index + 1):      \(issuer.subject) (SHA-256 \(CertificateSummary.fingerprint(issuer)))")
        }
    }
}

/// The signing of a render or print run: the keys folder's identity with the clock's time (whole
/// seconds, UTC) as /M, or nil when the folder holds no key. A key that is present but cannot be
/// used (mismatched, expired, readable by others) is an error (exit 1), as is a missing key when
/// `required`.
func livretSigning(_ folder: KeysFolder, command: String, required: Bool) throws -> LivretSigning? {
    guard folder.hasIdentity else {
        if required {
            printError("livret \(command): no signing key in \(folder.url.path): nothing was written (create one with `livret keys init --etablissement etablissement.json --keys \(folder.url.path)`, or give --keys DIR)")
            throw ExitCode(LivretExit.refused)
        }
        return nil
    }
    let identity = try signCall(command) { () throws(SignError) in try folder.load() }
    return LivretSigning(signer: PAdESSigner(signer: identity.signer), date: Date())
}
