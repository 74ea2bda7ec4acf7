import Foundation
import LivretArchive
import LivretJury
import LivretModel
import LivretPipeline
import LivretSign
import Crypto
import X509

// What the web pages and the API's routes start or make, as functions of the service: both call
// these (PrintRunRoutes, JuryRoutes, the web forms).

extension LivretServices {
    /// `service/jury-packages` in the archive home: the zipped packages the service made.
    var juryPackagesFolder: URL { configuration.serviceFolder.appendingPathComponent("jury-packages") }

    /// Starts a print run of dataset `dataset` as a job (signed with the lycée's key when the keys
    /// folder holds one, each signed livret archived and journaled); `paperOnly` is the CSV of the
    /// families served on paper, kept beside the job's output; with `receipts`, a hand-over receipt
    /// per pupil printed (as `livret print-run --receipts`, with the configuration's `verifyURL`).
    /// `POST /api/print-runs` and the web form both call it.
    func startPrintRun(
        dataset: (id: String, url: URL), divisions: [String]?, paperOnly: Data?, simplex: Bool, date: String, actor: String, receipts: Bool = false
    ) async throws -> PrintRunJob {
        guard let layouts = configuration.layouts, let fonts = configuration.fonts else {
            throw Problem(.serviceUnavailable, detail: "the service has no layouts and fonts folders: print runs are not offered")
        }
        let configuration = self.configuration
        let archive = self.archive
        let paperOnlyFile = paperOnly.map { _ in
            configuration.serviceFolder.appendingPathComponent("paper-only").appendingPathComponent("refus-\(UUID().uuidString.lowercased()).csv")
        }
        if let paperOnly, let paperOnlyFile {
            try await executor.run { () throws in
                try FileManager.default.createDirectory(at: paperOnlyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(paperOnly, to: paperOnlyFile)
            }
        }
        return try jobs.start(
            dataset: dataset, divisions: divisions, simplex: simplex, date: date, actor: actor, version: configuration.programVersion,
            makeRun: { options in
                var options = options
                options.paperOnly = paperOnlyFile
                var renderer = try LivretRenderer(
                    resources: ResourceLocations(layouts: URL(fileURLWithPath: layouts), fonts: URL(fileURLWithPath: fonts)),
                    producer: configuration.programVersion)
                let folder = KeysFolder(url: KeysFolder.defaultURL(keysOption: configuration.keys, environment: [:], archiveHome: configuration.home))
                var journal: JournalRecorder?
                var signing: LivretSigning?
                if folder.hasIdentity {
                    let identity = try folder.load()
                    signing = LivretSigning(signer: PAdESSigner(signer: identity.signer), date: Date())
                    renderer = renderer.signing(with: signing)
                    journal = JournalRecorder(journal: Journal(home: configuration.home), actor: actor)
                }
                var run = try PrintRun(options: options, renderer: renderer, archive: archive, journal: journal)
                if receipts {
                    let maker = try ReceiptMaker(renderer: renderer, signing: signing, date: options.date, verifyURL: configuration.verifyURL)
                    run = run.writingReceipts(PrintRunReceipts(maker: maker, archive: archive))
                }
                return run
            },
            executor: executor)
    }

    /// Makes, signs, zips and journals a jury package for `centre` and `session` (with
    /// `allowMissing`, candidates absent from the archive are listed as missing instead of refusing
    /// the package). `POST /api/jury-packages` and the web form both call it.
    func makeJuryPackage(
        centre: String, session: String, selection: JuryPackageRequest.Selection, allowMissing: Bool = false, actor: String
    ) async throws -> JuryPackageResult {
        let keys = KeysFolder(url: KeysFolder.defaultURL(keysOption: configuration.keys, environment: [:], archiveHome: configuration.home))
        guard keys.hasIdentity else { throw Problem(.serviceUnavailable, detail: "the service has no signing key: jury packages are not offered") }
        let identity = try await executor.run { () throws -> SigningIdentity in try keys.load() }
        var indexPDF: (@Sendable (JuryIndexHeader, [JuryCandidate]) throws -> Data)?
        if let layouts = configuration.layouts, let fonts = configuration.fonts {
            indexPDF = try JuryIndexPDF.drawer(
                resources: ResourceLocations(layouts: URL(fileURLWithPath: layouts), fonts: URL(fileURLWithPath: fonts)), producer: configuration.programVersion)
        }
        let request = JuryPackageRequest(
            archiveHome: configuration.home, centre: centre, session: session, selection: selection, allowMissing: allowMissing, actor: actor)
        let folder = juryPackagesFolder
        let result: JuryPackageResult
        do {
            result = try await JuryPackager.make(request, identity: identity, outputFolder: folder, indexPDF: indexPDF)
        } catch let error as JuryError {
            throw Problem(error.code == .io ? .internalServerError : .unprocessableContent, detail: "the package cannot be made",
                          problems: [.init(message: error.description)])
        }
        let zip = folder.appendingPathComponent(result.packageID + ".zip")
        try await executor.run { () throws in try JuryZip.write(bag: result.bag, to: zip) }
        return result
    }

    /// The answer to a receipt's QR text `LSL1:<UAI>:<INE>:<année>:<version>:<sha256>` (or an
    /// address holding it), in words, from ``LivretVerifier/verify(code:)`` against the archive:
    /// authentic, superseded or withdrawn since, or not issued by this lycée. Nil when the text is
    /// not a verification string. Says nothing of the pupil (no name).
    func verifyReceiptCode(_ text: String) async throws -> VerifyPage.Verdict? {
        guard let code = try? ReceiptCode(parsing: text) else { return nil }
        let verdict = try await verify(code: text)
        return VerifyPage.Verdict(frenchFor: verdict, code: code)
    }

    /// `LivretVerifier.verify(pdf:)` with the lycée's certificates and the archive: the signature,
    /// then whether the archive holds these bytes as the pupil's latest version. Nil when the
    /// service has no certificate to verify against.
    func verifyLivret(pdf data: Data) async throws -> (verdict: LivretVerifier.Verdict, signature: SignatureVerdict)? {
        let folder = KeysFolder(url: KeysFolder.defaultURL(keysOption: configuration.keys, environment: [:], archiveHome: configuration.home))
        let trusted = try await executor.run { () throws -> [Certificate] in
            guard FileManager.default.fileExists(atPath: folder.certificateFile.path) else { return [] }
            return try folder.certificates()
        }
        guard !trusted.isEmpty else { return nil }
        let signature = await SignatureVerifier(trusted: trusted).verify(pdf: [UInt8](data))
        let verifier = LivretVerifier(trusted: trusted, archive: archive)
        do {
            return (try await verifier.verify(pdf: data), signature)
        } catch {
            logger.error("verify.archive.failed", metadata: ["error": "\(error)"])
            throw Problem(.serviceUnavailable, detail: "the archive cannot be read", headers: [.retryAfter: "60"])
        }
    }
}

extension VerifyPage.Verdict {
    /// The French words of a receipt code's verdict.
    init(frenchFor verdict: LivretVerifier.Verdict, code: ReceiptCode) {
        switch verdict.status {
        case .authentic:
            self.init(
                authentique: true, titre: "Document authentique",
                phrases: ["Ce récépissé correspond au livret émis par l’établissement \(code.uai), version \(code.version) (\(code.annee)).",
                          "Le livret archivé a exactement l’empreinte imprimée sur le récépissé, et c’est sa dernière version."])
        case .superseded:
            let withdrawn = verdict.message.hasPrefix("withdrawn")
            self.init(
                authentique: false, titre: withdrawn ? "Livret retiré" : "Livret remplacé",
                phrases: ["Ce récépissé correspond au livret émis par l’établissement \(code.uai), version \(verdict.version ?? code.version) (\(code.annee)).",
                          withdrawn ? "Ce livret a été retiré depuis : il n’est plus valable."
                                    : "Une version plus récente l’a remplacé depuis : ce document n’est plus la version en vigueur."])
        default:
            self.init(
                authentique: false, titre: "Document non reconnu",
                phrases: ["Ce code ne correspond à aucun livret émis par ce lycée.", "Aucun livret archivé n’a cette version et cette empreinte."])
        }
    }
}
