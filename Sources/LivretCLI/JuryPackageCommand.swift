import ArgumentParser
import Foundation
import LivretArchive
import LivretJury
import LivretPipeline
import LivretSign
import X509

/// `livret jury-package`: signed BagIt packages of archived livrets for a deliberation centre.
struct JuryPackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jury-package",
        abstract: "Package, list and verify signed copies of livrets for a deliberation centre (BagIt 1.0).",
        subcommands: [JuryPackageMakeCommand.self, JuryPackageLsCommand.self, JuryPackageVerifyCommand.self],
        defaultSubcommand: JuryPackageMakeCommand.self)
}

/// `livret jury-package --archive A --centre CODE (--candidates list.csv | --division CODE…) --session YYYY-MM --out DIR`.
struct JuryPackageMakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make",
        abstract: "Package the latest archived livret of each candidate for a centre.",
        discussion: """
            Writes DIR/<package id>/, a BagIt 1.0 bag: data/<INE>/livret.pdf and livret.json, \
            data/index.csv (French class-list order), bag-info.txt, SHA-512 manifests, the lycée's \
            journal head (livret-journal-head.txt) and tagmanifest-sha512.txt.p7s, a detached CMS \
            signature of the tag manifest by the keys folder's key. The package is an entry of the \
            archive's journal. A candidate absent from the archive, or whose latest livret is not \
            signed, stops the package (exit 1, nothing written) unless --allow-missing.
            """)

    @OptionGroup var options: ArchiveOptions
    @Option(help: "The deliberation centre's code.") var centre: String
    @Option(help: "A file of candidates: one INE per line (first CSV field; a header line is skipped).") var candidates: String?
    @Option(parsing: .upToNextOption, help: "Every pupil whose latest year is in these divisions.") var division: [String] = []
    @Option(help: "The session, YYYY-MM.") var session: String
    @Option(help: "The folder where the package folder is made.") var out: String
    @Flag(help: "List absent or unsigned candidates as missing instead of stopping.") var allowMissing = false
    @Flag(help: "Also write DIR/<package id>.zip (the bag as one folder, deterministic).") var zip = false
    @Option(name: .long, help: "The keys folder (default: $LIVRET_KEYS, else Keys/ beside the archive home).") var keys: String?
    @Option(help: ArgumentHelp("The folder of layout files (for jury-index.json).", valueName: "dir")) var layouts: String?
    @Option(help: ArgumentHelp("The folder of fonts.", valueName: "dir")) var fonts: String?

    func run() async throws {
        let selection: JuryPackageRequest.Selection
        switch (candidates, division.isEmpty) {
        case (let file?, true):
            let data = try readInput(file)
            selection = .candidates(try juryCall("jury-package") { () throws(JuryError) in try CandidateList.read(data, name: file) })
        case (nil, false):
            selection = .divisions(division)
        default:
            printError("livret jury-package: give either --candidates FILE or --division CODE…")
            throw ExitCode(LivretExit.usage)
        }
        let home = options.home
        let folder = KeysFolder(url: KeysFolder.defaultURL(keysOption: keys, archiveHome: home))
        let identity = try signCall("jury-package") { () throws(SignError) in try folder.load() }
        let user = ArchiveUser.current
        let request = JuryPackageRequest(archiveHome: home, centre: centre, session: session, selection: selection,
                                         allowMissing: allowMissing, actor: user.address.map { "\(user.name) <\($0)>" } ?? user.name)
        let indexPDF = try Self.indexPDF(layouts: layouts, fonts: fonts)
        let logger = options.logger
        let result = try await juryCallAsync("jury-package") { () async throws(JuryError) in
            try await JuryPackager.make(request, identity: identity, outputFolder: URL(fileURLWithPath: out), logger: logger, indexPDF: indexPDF)
        }
        for candidate in result.candidates {
            let status = candidate.status == .ok ? "\(candidate.version) \(candidate.sha256.prefix(16))" : candidate.status.rawValue
            print("\(candidate.ine)  \(candidate.division)  \(status)")
        }
        print("package \(result.packageID): \(result.bag.path)")
        if let uai = CertificateSummary(identity.certificate).uai {
            sealLyceeObject(home: home, uai: uai, signer: identity.signer, user: user, command: "jury-package")
        }
        if zip {
            let zipURL = result.bag.deletingLastPathComponent().appendingPathComponent(result.packageID + ".zip")
            try juryCall("jury-package") { () throws(JuryError) in try JuryZip.write(bag: result.bag, to: zipURL) }
            print("zip: \(zipURL.path)")
        }
        print("journal head \(result.journalHead)")
    }
}

extension JuryPackageMakeCommand {
    /// The drawer of `data/index.pdf` (`JuryIndexPDF`), with the folders of --layouts and --fonts.
    static func indexPDF(layouts: String?, fonts: String?) throws -> @Sendable (JuryIndexHeader, [JuryCandidate]) throws -> Data {
        do {
            let resources: ResourceLocations
            do {
                resources = try LayoutOptions.resources(layouts: layouts, fonts: fonts)
            } catch {
                throw PipelineError.refused("\(error) (the folders can be named with --layouts and --fonts)")
            }
            return try JuryIndexPDF.drawer(resources: resources, producer: "livret \(LivretCommand.version)")
        } catch let error as PipelineError {
            throw pipelineExit(error)
        }
    }
}

/// `livret jury-package ls`: the packages recorded in the journal.
struct JuryPackageLsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the packages sent (from the archive's journal).")

    @OptionGroup var options: ArchiveOptions

    func run() throws {
        let entries = try juryCall("jury-package ls") { () throws(JuryError) in try JuryPackager.sent(archiveHome: options.home) }
        for entry in entries {
            let count = entry.candidates?.filter { !$0.hasSuffix(":absent") && !$0.hasSuffix(":non-signe") }.count ?? 0
            print("\(entry.time)  \(entry.centre ?? "?")  \(entry.session ?? "?")  \(entry.package ?? "?")  \(count) candidat(s)  sha256 \(entry.sha256?.prefix(16) ?? "")")
        }
    }
}

/// `livret jury-package verify BAG [--trust CERT…]`.
struct JuryPackageVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a package is complete, valid and signed by a trusted lycée.",
        discussion: "Exit 0 when it is, 1 (with every reason) when it is not.")

    @Argument(help: "The bag folder or its .zip.") var bag: String
    @Option(help: "A trusted lycée certificate (PEM); may be repeated.") var trust: [String] = []

    func run() async throws {
        let trusted = try trustedCertificates(trust)
        let verification = await JuryVerifier(trusted: trusted).verify(bagOrZip: URL(fileURLWithPath: bag))
        printVerification(verification, bag: bag)
        if !verification.isValid { throw ExitCode(LivretExit.refused) }
    }
}

/// `livret archive ingest-package BAG --archive CENTRE [--trust CERT…]`.
struct ArchiveIngestPackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-package",
        abstract: "Verify a jury package, then put its livrets into this (centre's) archive.",
        discussion: """
            The package is verified as `jury-package verify` does; a refused package writes nothing \
            (exit 1). Each candidate is one object; the version message names the lycée's UAI and \
            the package id. The same package twice adds nothing; a corrected livret adds a version.
            """)

    @OptionGroup var options: ArchiveOptions
    @Argument(help: "The bag folder or its .zip.") var bag: String
    @Option(help: "A trusted lycée certificate (PEM); may be repeated.") var trust: [String] = []

    func run() async throws {
        let trusted = try trustedCertificates(trust)
        let home = options.home
        let logger = options.logger
        let result = try await juryCallAsync("archive ingest-package") { () async throws(JuryError) in
            try await JuryIngest.ingest(bagOrZip: URL(fileURLWithPath: bag), archiveHome: home, trusted: trusted, logger: logger)
        }
        for (ine, put) in result.results { print("\(ine)  \(put)") }
        print("package \(result.verification.packageID ?? "?") from \(result.verification.uai ?? "?"): \(result.results.count) candidate(s)")
    }
}

func trustedCertificates(_ paths: [String]) throws -> [Certificate] {
    guard !paths.isEmpty else {
        printError("livret: give the lycées' certificates with --trust CERT")
        throw ExitCode(LivretExit.usage)
    }
    var trusted: [Certificate] = []
    for path in paths {
        trusted += try signCall("verify") { () throws(SignError) in try SigningIdentity.readCertificates(URL(fileURLWithPath: path)) }
    }
    return trusted
}

func printVerification(_ verification: JuryVerification, bag: String) {
    if verification.isValid {
        let count = verification.candidates.filter { $0.status == .ok }.count
        print("\(bag): valid: package \(verification.packageID ?? "?") signed by \(verification.uai ?? "?"), \(count) livret(s) authentic, journal head \(verification.journalHead ?? "none")")
    } else {
        print("\(bag): refused:")
        for problem in verification.problems { print("  \(problem)") }
    }
}

func juryCall<T>(_ command: String, _ body: () throws(JuryError) -> T) throws -> T {
    do { return try body() } catch { throw juryExit(command, error) }
}

func juryCallAsync<T>(_ command: String, _ body: () async throws(JuryError) -> T) async throws -> T {
    do { return try await body() } catch { throw juryExit(command, error) }
}

func juryExit(_ command: String, _ error: JuryError) -> ExitCode {
    printError("livret \(command): \(error.description)")
    switch error.code {
    case .usage: return ExitCode(LivretExit.usage)
    case .io: return ExitCode(LivretExit.io)
    case .candidates, .refused, .key: return ExitCode(LivretExit.refused)
    }
}
