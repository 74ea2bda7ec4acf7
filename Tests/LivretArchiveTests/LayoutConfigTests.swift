import Crypto
import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// The archive and its validator follow the storage root's own 0003 configuration.
@Suite struct LayoutConfigTests {
    let ine = "123456789AB"
    var id: String { "urn:lsl:ine:" + ine }

    /// A storage root made by hand, as the 0003 spec describes it, with `config` as its config.json.
    func handMadeRoot(config: String?, layoutExtension: String = "0003-hash-and-id-n-tuple-storage-layout") throws -> ArchiveHome {
        let home = try ArchiveHome()
        let root = home.root
        try write(Data("ocfl_1.1\n".utf8), root.appendingPathComponent("0=ocfl_1.1"))
        try write(Data(#"{"extension": "\#(layoutExtension)", "description": "hand-made"}"#.utf8), root.appendingPathComponent("ocfl_layout.json"))
        if let config {
            try write(Data(config.utf8), root.appendingPathComponent("extensions/\(layoutExtension)/config.json"))
        }
        return home
    }

    static func hex<D: Digest>(_ digest: D) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// The 0003 path of `id`, computed here independently of `StorageLayout`.
    func expectedPath(_ id: String, algorithm: String, tupleSize: Int, tuples: Int) -> String {
        let data = Data(id.utf8)
        let digest: String
        switch algorithm {
        case "md5": digest = Self.hex(Insecure.MD5.hash(data: data))
        case "sha1": digest = Self.hex(Insecure.SHA1.hash(data: data))
        case "sha512": digest = Self.hex(SHA512.hash(data: data))
        default: digest = Self.hex(SHA256.hash(data: data))
        }
        let chars = Array(digest)
        let parts = (0..<tuples).map { String(chars[($0 * tupleSize)..<(($0 + 1) * tupleSize)]) }
        let encoded = id.replacingOccurrences(of: ":", with: "%3a")
        return (parts + [encoded]).joined(separator: "/")
    }

    @Test("put into a root with a supported non-default 0003 config writes at the config's path; ocfl-py agrees",
          arguments: [("md5", 3, 3), ("sha1", 4, 2), ("sha512", 2, 5), ("sha256", 0, 0)])
    func putFollowsConfig(algorithm: String, tupleSize: Int, tuples: Int) throws {
        let home = try handMadeRoot(config: """
            {"extensionName": "0003-hash-and-id-n-tuple-storage-layout", "digestAlgorithm": "\(algorithm)", "tupleSize": \(tupleSize), "numberOfTuples": \(tuples)}
            """)
        defer { home.remove() }
        let input = home.url.appendingPathComponent("in/a.pdf")
        try write(randomData(4_000), input)
        let put = try home.livret(["archive", "put", "--ine", ine, "--file", input.path, "--as", "2015-2016/livret.pdf"])
        #expect(put.status == 0, "\(put.stderr)")
        let expected = expectedPath(id, algorithm: algorithm, tupleSize: tupleSize, tuples: tuples)
        #expect(FileManager.default.fileExists(atPath: home.root.appendingPathComponent(expected + "/0=ocfl_object_1.1").path), "expected at \(expected)")
        #expect(try Archive(home: home.url).objectPath(id: id) == expected)
        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.summary.contains("SUMMARY: VALID"), "\(validation.output)")
        #expect(validation.summary.contains("errors=0 warnings=0"), "\(validation.summary)")
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status == 0, "\(verify.stdoutText)")
        let get = try home.livret(["archive", "get", "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", "-"])
        let original = try Data(contentsOf: input)
        #expect(get.status == 0 && get.stdout == original)
    }

    @Test("in an md5 root, an object at the sha256 path is E083 for our validator and for ocfl-validate-root")
    func wrongPathInMD5Root() throws {
        let home = try handMadeRoot(config: """
            {"extensionName": "0003-hash-and-id-n-tuple-storage-layout", "digestAlgorithm": "md5", "tupleSize": 3, "numberOfTuples": 3}
            """)
        defer { home.remove() }
        let archive = try Archive(home: home.url)
        _ = try archive.put(ine: ine, files: [ArchiveFile(logicalPath: "2015-2016/livret.pdf", data: randomData(2_000))], message: "m")
        let right = expectedPath(id, algorithm: "md5", tupleSize: 3, tuples: 3)
        let wrong = expectedPath(id, algorithm: "sha256", tupleSize: 3, tuples: 3)
        #expect(try archive.objectPath(id: id) == right)
        #expect(OCFLRootValidator().validate(rootAt: home.root.path).isValid)
        // Move it where the default layout would have put it.
        let target = home.root.appendingPathComponent(wrong)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: home.root.appendingPathComponent(right), to: target)
        var parent = home.root.appendingPathComponent(right).deletingLastPathComponent()
        while parent.path != home.root.path {
            try FileManager.default.removeItem(at: parent)  // empty n-tuple directories (E073 otherwise)
            parent = parent.deletingLastPathComponent()
        }
        let report = OCFLRootValidator().validate(rootAt: home.root.path)
        let codes = report.objects.flatMap(\.issues).map(\.code)
        #expect(codes == ["E083"], "\(report.objects.flatMap(\.issues))")
        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 1, "\(validation.output)")
        #expect(validation.output.contains("E083"), "\(validation.output)")
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status != 0)
        #expect(verify.stdoutText.contains("E083"), "\(verify.stdoutText)")
    }

    @Test("put is refused, and nothing written, in a root whose layout is not one we support",
          arguments: [
              (#"{"extensionName": "0003-hash-and-id-n-tuple-storage-layout", "digestAlgorithm": "blake2b-512"}"#, "blake2b-512"),
              (#"{"extensionName": "0003-hash-and-id-n-tuple-storage-layout", "digestAlgorithm": "md5", "tupleSize": 20, "numberOfTuples": 2}"#, "exceeds"),
              (#"{"extensionName": "0003-hash-and-id-n-tuple-storage-layout", "tupleSize": 0, "numberOfTuples": 3}"#, "both be 0"),
              (#"{"extensionName": "0004-hashed-n-tuple-storage-layout"}"#, "extensionName"),
              ("not json", "not a JSON object"),
          ])
    func unsupportedConfig(config: String, reason: String) throws {
        let home = try handMadeRoot(config: config)
        defer { home.remove() }
        try refusedPut(home, reason: reason)
    }

    @Test("put is refused in a root that declares another layout extension")
    func otherLayoutExtension() throws {
        let home = try handMadeRoot(config: #"{"extensionName": "0004-hashed-n-tuple-storage-layout"}"#, layoutExtension: "0004-hashed-n-tuple-storage-layout")
        defer { home.remove() }
        try refusedPut(home, reason: "0004-hashed-n-tuple-storage-layout")
    }

    func refusedPut(_ home: ArchiveHome, reason: String) throws {
        let before = try FileManager.default.subpathsOfDirectory(atPath: home.root.path).sorted()
        let input = home.url.appendingPathComponent("in/a.pdf")
        try write(randomData(1_000), input)
        let put = try home.livret(["archive", "put", "--ine", ine, "--file", input.path, "--as", "2015-2016/livret.pdf"])
        #expect(put.status != 0)
        #expect(put.stderr.contains(reason), "\(put.stderr)")
        #expect(put.stderr.contains("not supported") || put.stderr.contains("must") || put.stderr.contains("exceeds") || put.stderr.contains("not a JSON object"), "\(put.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: home.root.path).sorted() == before)
        // Listing and verifying the root still work.
        #expect(try home.livret(["archive", "ls"]).status == 0)
    }
}
