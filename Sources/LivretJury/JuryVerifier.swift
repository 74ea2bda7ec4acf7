import Foundation
import LivretSign
import X509

/// What `verify` found about a package.
public struct JuryVerification: Sendable {
    /// The package id (External-Identifier), when bag-info.txt could be read.
    public var packageID: String?
    /// The UAI of the lycée that signed the tag manifest, when the signature is authentic.
    public var uai: String?
    /// The lycée's journal head carried by the package (`seq:sha256`).
    public var journalHead: String?
    /// The candidates of `data/index.csv`.
    public var candidates: [JuryCandidate] = []
    /// `bag-info.txt`, as read.
    public var info: [String: String] = [:]
    /// Every problem found, in plain words; empty when the package is complete, valid and authentic.
    public var problems: [String] = []
    /// SHA-256 of the tag manifest (the package digest the journal records).
    public var packageDigest: String?

    /// Whether the package can be trusted.
    public var isValid: Bool { problems.isEmpty }
}

/// Checks a jury package with only the bag and the lycées' certificates.
public struct JuryVerifier: Sendable {
    /// The lycées' certificates (or their authorities').
    public let trusted: [Certificate]

    /// A verifier trusting `trusted`.
    public init(trusted: [Certificate]) { self.trusted = trusted }

    /// Verifies a bag folder or its zip (see ``JuryZip/extract(_:into:limits:)``): a zip that cannot be
    /// extracted safely is refused with the reason.
    public func verify(bagOrZip path: URL) async -> JuryVerification {
        do {
            return try await JuryZip.withBag(path) { bag throws(JuryError) in await verify(bag: bag) }
        } catch {
            var result = JuryVerification()
            result.problems = [error.message]
            return result
        }
    }

    /// Verifies the bag folder `bag`: BagIt validity (declaration, Payload-Oxum, every manifest line,
    /// no file outside the manifests, no symbolic link), the tag manifest's signature by a trusted
    /// lycée, and each livret's own signature and SHA-256 against the index.
    public func verify(bag: URL) async -> JuryVerification {
        var result = JuryVerification()
        let root = bag.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            result.problems.append("\(root.path) is not a folder")
            return result
        }
        // Every file, by lstat: a symbolic link or special file is refused.
        var files: [String: Int] = [:]
        var walkProblems: [String] = []
        walk(root.path, relative: "", into: &files, problems: &walkProblems)
        if !walkProblems.isEmpty { result.problems += walkProblems; return result }
        func read(_ path: String) -> Data? { files[path] == nil ? nil : try? Data(contentsOf: root.appendingPathComponent(path)) }

        guard let declaration = read("bagit.txt") else { result.problems.append("bagit.txt is missing: not a BagIt bag"); return result }
        if declaration != Data(BagIt.declaration.utf8) {
            result.problems.append("bagit.txt is not the BagIt 1.0 declaration (BagIt-Version: 1.0, Tag-File-Character-Encoding: UTF-8)")
        }
        guard let manifestData = read("manifest-sha512.txt") else { result.problems.append("manifest-sha512.txt is missing"); return result }
        guard let tagManifestData = read("tagmanifest-sha512.txt") else { result.problems.append("tagmanifest-sha512.txt is missing"); return result }
        result.packageDigest = BagIt.sha256(tagManifestData)
        let manifest: [String: String], tagManifest: [String: String]
        do throws(JuryError) {
            manifest = try BagIt.parseManifest(manifestData, name: "manifest-sha512.txt")
            tagManifest = try BagIt.parseManifest(tagManifestData, name: "tagmanifest-sha512.txt")
        } catch {
            result.problems.append(error.message)
            return result
        }
        for name in files.keys where name.hasPrefix("manifest-") || name.hasPrefix("tagmanifest-") {
            if name != "manifest-sha512.txt" && name != "tagmanifest-sha512.txt" && name != JuryPackager.signatureFile {
                result.problems.append("\(name): only SHA-512 manifests are expected")
            }
        }
        // Payload: every file listed, every listed file present and intact.
        for path in manifest.keys.sorted() where !path.hasPrefix("data/") {
            result.problems.append("manifest-sha512.txt lists \(path), which is not in data/")
        }
        for path in files.keys.sorted() where path.hasPrefix("data/") && manifest[path] == nil {
            result.problems.append("\(path) is in the bag but not in the manifest (a file was added)")
        }
        for (path, digest) in manifest.sorted(by: { $0.key < $1.key }) where path.hasPrefix("data/") {
            guard let data = read(path) else { result.problems.append("\(path) is in the manifest but missing from the bag (a file was removed)"); continue }
            if BagIt.sha512(data) != digest { result.problems.append("\(path) was changed: its SHA-512 is not the manifest's") }
        }
        // Tag files: every one listed except the tag manifest and its signature.
        for path in files.keys.sorted() where !path.hasPrefix("data/") && path != "tagmanifest-sha512.txt" && path != JuryPackager.signatureFile
            && tagManifest[path] == nil {
            result.problems.append("\(path) is in the bag but not in the tag manifest (a file was added)")
        }
        for (path, digest) in tagManifest.sorted(by: { $0.key < $1.key }) {
            if path.hasPrefix("data/") || path == "tagmanifest-sha512.txt" || path == JuryPackager.signatureFile {
                result.problems.append("tagmanifest-sha512.txt lists \(path), which is not a tag file it may list")
                continue
            }
            guard let data = read(path) else { result.problems.append("\(path) is in the tag manifest but missing from the bag"); continue }
            if BagIt.sha512(data) != digest { result.problems.append("\(path) was changed: its SHA-512 is not the tag manifest's") }
        }
        for required in ["bag-info.txt", "manifest-sha512.txt", "bagit.txt", JuryPackager.journalHeadFile] where tagManifest[required] == nil {
            result.problems.append("the tag manifest does not cover \(required)")
        }
        // bag-info.txt and the Payload-Oxum.
        if let infoData = read("bag-info.txt") {
            do throws(JuryError) {
                for (label, value) in try BagIt.parseTags(infoData, name: "bag-info.txt") where result.info[label] == nil { result.info[label] = value }
            } catch { result.problems.append(error.message) }
            result.packageID = result.info["External-Identifier"]
            let payloadFiles = files.filter { $0.key.hasPrefix("data/") }
            let octets = payloadFiles.values.reduce(0, +)
            if let oxum = result.info["Payload-Oxum"] {
                if oxum != "\(octets).\(payloadFiles.count)" {
                    result.problems.append("Payload-Oxum is \(oxum) but the payload holds \(payloadFiles.count) files of \(octets) bytes")
                }
            } else {
                result.problems.append("bag-info.txt has no Payload-Oxum")
            }
            for label in ["Source-Organization", "External-Identifier", "Bagging-Date", "Internal-Sender-Description"] where result.info[label] == nil {
                result.problems.append("bag-info.txt has no \(label)")
            }
        } else {
            result.problems.append("bag-info.txt is missing")
        }
        if let head = read(JuryPackager.journalHeadFile), let text = String(data: head, encoding: .utf8) {
            result.journalHead = text.split(separator: "\n").first { $0.hasPrefix("Journal-Head: ") }.map { String($0.dropFirst("Journal-Head: ".count)) }
        }
        // The signature of the tag manifest.
        let verifier = SignatureVerifier(trusted: trusted)
        if let signature = read(JuryPackager.signatureFile) {
            let verdict = await verifier.verify(detachedSignature: [UInt8](signature), content: tagManifestData)
            if verdict.isAuthentic {
                result.uai = verdict.signer?.uai
            } else {
                result.problems.append("the tag manifest's signature: \(verdict.message)")
            }
        } else {
            result.problems.append("\(JuryPackager.signatureFile) is missing: the package is not signed")
        }
        // The index and each livret.
        guard let indexData = read("data/index.csv") else { result.problems.append("data/index.csv is missing"); return result }
        do throws(JuryError) { result.candidates = try JuryIndexCSV.decode(indexData, name: "data/index.csv") } catch {
            result.problems.append(error.message)
            return result
        }
        var listed = Set<String>()
        for candidate in result.candidates {
            guard !listed.contains(candidate.ine) else { result.problems.append("data/index.csv lists \(candidate.ine) twice"); continue }
            listed.insert(candidate.ine)
            guard BagIt.isSafeRelativePath(candidate.ine), !candidate.ine.contains("/") else {
                result.problems.append("data/index.csv: '\(candidate.ine)' is not an INE"); continue
            }
            let pdfPath = "data/\(candidate.ine)/livret.pdf"
            guard candidate.status == .ok else {
                if files[pdfPath] != nil { result.problems.append("\(candidate.ine) is listed as \(candidate.status.rawValue) but has a livret in the bag") }
                continue
            }
            guard let pdf = read(pdfPath) else { result.problems.append("\(pdfPath) is missing"); continue }
            if read("data/\(candidate.ine)/livret.json") == nil { result.problems.append("data/\(candidate.ine)/livret.json is missing") }
            if BagIt.sha256(pdf) != candidate.sha256 {
                result.problems.append("\(pdfPath): its SHA-256 is not the one in the index")
            }
            let verdict = await verifier.verify(pdf: [UInt8](pdf))
            if !verdict.isAuthentic {
                result.problems.append("\(pdfPath) (\(candidate.nom) \(candidate.prenoms)): \(verdict.message)")
            } else if let uai = result.uai, let signer = verdict.signer?.uai, signer != uai {
                result.problems.append("\(pdfPath) is signed by \(signer), the package by \(uai)")
            }
        }
        for path in files.keys.sorted() where path.hasPrefix("data/") && path != "data/index.csv" && path != "data/index.pdf" {
            let parts = path.split(separator: "/")
            if parts.count != 3 || !listed.contains(String(parts[1])) { result.problems.append("\(path) belongs to no candidate of the index") }
        }
        if let pdf = read("data/index.pdf") {
            let verdict = await verifier.verify(pdf: [UInt8](pdf))
            if !verdict.isAuthentic { result.problems.append("data/index.pdf: \(verdict.message)") }
        }
        return result
    }

    /// Lists regular files under `path` with their sizes; symbolic links and special files are problems.
    func walk(_ path: String, relative: String, into files: inout [String: Int], problems: inout [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            problems.append("\(relative.isEmpty ? "the bag" : relative) cannot be read")
            return
        }
        for name in names.sorted() {
            let full = path + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard lstat(full, &status) == 0 else { problems.append("\(rel) cannot be read"); continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: walk(full, relative: rel, into: &files, problems: &problems)
            case S_IFREG: files[rel] = Int(status.st_size)
            case S_IFLNK: problems.append("\(rel) is a symbolic link: refused")
            default: problems.append("\(rel) is not a regular file: refused")
            }
        }
    }
}
