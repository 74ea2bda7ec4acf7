import Foundation
import LivretArchive
import LivretJury
import LivretModel
import LivretPipeline
import LivretSign
import Crypto

// What the web pages start or make, as functions of the service. The API's routes hold the same
// steps inline today (PrintRunRoutes, JuryRoutes); these are the shapes both can call.

extension LivretServices {
    /// `service/jury-packages` in the archive home: the zipped packages the service made.
    var juryPackagesFolder: URL { configuration.serviceFolder.appendingPathComponent("jury-packages") }

    /// Starts a print run of dataset `dataset` as a job (signed with the lycée's key when the keys
    /// folder holds one, each signed livret archived and journaled); `paperOnly` is the CSV of the
    /// families served on paper, kept beside the job's output.
    func startPrintRun(
        dataset: (id: String, url: URL), divisions: [String]?, paperOnly: Data?, simplex: Bool, date: String, actor: String
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
                if folder.hasIdentity {
                    let identity = try folder.load()
                    renderer = renderer.signing(with: LivretSigning(signer: PAdESSigner(signer: identity.signer), date: Date()))
                    journal = JournalRecorder(journal: Journal(home: configuration.home), actor: actor)
                }
                return try PrintRun(options: options, renderer: renderer, archive: archive, journal: journal)
            },
            executor: executor)
    }

    /// Makes, signs, zips and journals a jury package for `centre` and `session`.
    func makeJuryPackage(centre: String, session: String, selection: JuryPackageRequest.Selection, actor: String) async throws -> JuryPackageResult {
        let keys = KeysFolder(url: KeysFolder.defaultURL(keysOption: configuration.keys, environment: [:], archiveHome: configuration.home))
        guard keys.hasIdentity else { throw Problem(.serviceUnavailable, detail: "the service has no signing key: jury packages are not offered") }
        let identity = try await executor.run { () throws -> SigningIdentity in try keys.load() }
        var indexPDF: (@Sendable (JuryIndexHeader, [JuryCandidate]) throws -> Data)?
        if let layouts = configuration.layouts, let fonts = configuration.fonts {
            indexPDF = try JuryIndexPDF.drawer(
                resources: ResourceLocations(layouts: URL(fileURLWithPath: layouts), fonts: URL(fileURLWithPath: fonts)), producer: configuration.programVersion)
        }
        let request = JuryPackageRequest(archiveHome: configuration.home, centre: centre, session: session, selection: selection, actor: actor)
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

    /// The answer to a receipt's QR text `LSL1:<UAI>:<INE>:<année>:<version>:<sha256>`, in words:
    /// authentic when the archive holds that version of that pupil's livret with that SHA-256.
    /// Says nothing of the pupil (no name): only whether the paper matches what the lycée issued.
    func verifyReceiptCode(_ code: String) async throws -> VerifyPage.Verdict {
        let parts = code.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let refused = { (reason: String) in
            VerifyPage.Verdict(authentique: false, titre: "Document non reconnu", phrases: ["Ce code ne correspond à aucun livret émis par ce lycée.", reason])
        }
        guard parts.count == 6, parts[0] == "LSL1" else { return refused("Le code n’a pas la forme LSL1:UAI:INE:année:version:empreinte.") }
        let (uai, ine, year, version, digest) = (parts[1], parts[2], parts[3], parts[4], parts[5].lowercased())
        guard Identifiers.ineKind(ine) != nil, LivretServices.isVersionName(version), digest.count == 64, digest.allSatisfy(\.isHexDigit),
              uai.count <= 10, year.count <= 9, year.allSatisfy({ $0.isNumber || $0 == "-" }) else {
            return refused("Une partie du code n’a pas la forme attendue.")
        }
        let archive = self.archive
        let found = try await executor.run { () throws -> (String, Bool)? in
            guard try !archive.list(ObjectFilter(ine: ine)).isEmpty else { return nil }
            let inventory = try archive.inventory(ine: ine)
            guard inventory.versions[version] != nil else { return nil }
            let paths = inventory.logicalPaths(in: version).keys.filter { $0.hasSuffix("/livret.pdf") && $0.hasPrefix(year) }.sorted()
            for path in paths {
                let data = try archive.get(ine: ine, logicalPath: path, version: version)
                if SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() == digest { return (path, true) }
            }
            return nil
        }
        guard let found else { return refused("Aucun livret archivé n’a cette version et cette empreinte.") }
        return VerifyPage.Verdict(
            authentique: true, titre: "Document authentique",
            phrases: ["Ce récépissé correspond au livret émis par l’établissement \(uai), version \(version) (\(found.0.split(separator: "/").first ?? "")).",
                      "Le livret archivé a exactement l’empreinte imprimée sur le récépissé."])
    }
}
