import Foundation
import LivretJury
import LivretTestSupport
import Testing

/// Zip bombs: a jury package zip whose entries declare absurd sizes or ratios, or inflate beyond
/// what they declare, is refused naming the package and the entry, with nothing extracted and
/// nothing archived. A hostile-input suite (its name ends in `RobustnessTests`): `make test` runs it
/// under `ulimit -v` (scripts/hostile-tests), so that an entry inflated whole would fail it.
@Suite("Jury package zips: zip bombs")
struct JuryZipRobustnessTests {
    /// Writes a zip of a small bag folder `pkg/` (bagit.txt, data/a.txt) then `extra`, Python
    /// statements run with `z` open (`zipfile`, `zlib`, `random` imported).
    static func zip(_ name: String, in folder: URL, extra: String) throws -> URL {
        let zip = folder.appendingPathComponent(name)
        let script = """
            import random, sys, zipfile, zlib
            z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
            z.writestr('pkg/bagit.txt', 'BagIt-Version: 1.0\\nTag-File-Character-Encoding: UTF-8\\n')
            z.writestr('pkg/data/a.txt', 'bonjour\\n')
            \(extra)
            z.close()
            """
        let made = try TestSupport.run("python3", ["-c", script, zip.path])
        try #require(made.status == 0, "\(made.stderr)")
        return zip
    }

    /// Extracting `zip` is refused with a message naming it and holding `expected`; the folder
    /// given stays empty.
    static func expectRefused(_ zip: URL, in folder: URL, limits: JuryZip.Limits = .init(), _ expected: String...) throws {
        let target = folder.appendingPathComponent("out-\(zip.deletingPathExtension().lastPathComponent)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let error = #expect(throws: JuryError.self) { try JuryZip.extract(zip, into: target, limits: limits) }
        #expect(error?.code == .refused)
        let message = error?.message ?? ""
        #expect(message.hasPrefix(zip.path + ":"), "\(message)")
        for part in expected { #expect(message.contains(part), "\(message)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).isEmpty, "something was left extracted")
    }

    @Test("an entry of 64 MiB of zeros deflated to a few kilobytes (ratio ≈ 1000:1) is refused before anything is extracted")
    func hugeRatio() async throws {
        let folder = try TestSupport.temporaryDirectory("jury-zip-bomb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = try Self.zip("ratio.zip", in: folder, extra: "z.writestr('pkg/data/bomb.bin', bytes(64 << 20), compresslevel=9)")
        try Self.expectRefused(zip, in: folder, "the entry pkg/data/bomb.bin declares 67108864 bytes", "compression ratio over 200:1", "zip bomb")
        // Verify and ingest refuse it the same way, and ingest writes nothing.
        let verification = await JuryVerifier(trusted: []).verify(bagOrZip: zip)
        #expect(!verification.isValid)
        #expect(verification.problems.contains { $0.contains("pkg/data/bomb.bin") && $0.contains("zip bomb") }, "\(verification.problems)")
        let centre = folder.appendingPathComponent("Centre")
        let error = await #expect(throws: JuryError.self) {
            try await JuryIngest.ingest(bagOrZip: zip, archiveHome: centre, trusted: [])
        }
        #expect(error?.message.contains("nothing was written") == true, "\(String(describing: error))")
        #expect(error?.details.contains { $0.contains(zip.path) && $0.contains("pkg/data/bomb.bin") && $0.contains("zip bomb") } == true,
                "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: centre.path))
    }

    @Test("a compressible entry below the ratio floor is accepted; the same zip is refused under smaller bounds (entry, total, entries)")
    func bounds() throws {
        let folder = try TestSupport.temporaryDirectory("jury-zip-bounds")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = try Self.zip("spaces.zip", in: folder, extra: "z.writestr('pkg/data/spaces.txt', b' ' * (1 << 20))")
        let target = folder.appendingPathComponent("ok")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let bag = try JuryZip.extract(zip, into: target)
        #expect(bag.lastPathComponent == "pkg")
        #expect(try Data(contentsOf: bag.appendingPathComponent("data/spaces.txt")) == Data(repeating: 0x20, count: 1 << 20))
        #expect(try String(contentsOf: bag.appendingPathComponent("data/a.txt"), encoding: .utf8) == "bonjour\n")
        try Self.expectRefused(zip, in: folder, limits: .init(ratioFloor: 1 << 16), "the entry pkg/data/spaces.txt declares 1048576 bytes from",
                               "compression ratio over 200:1")
        try Self.expectRefused(zip, in: folder, limits: .init(entrySize: 1 << 19), "the entry pkg/data/spaces.txt declares 1048576 bytes uncompressed, more than 524288")
        try Self.expectRefused(zip, in: folder, limits: .init(totalSize: 1 << 20), "the entries declare more than 1048576 bytes uncompressed in all")
        try Self.expectRefused(zip, in: folder, limits: .init(entries: 2), "more than 2 entries")
    }

    /// An entry whose central directory declares 1000 bytes while it holds more.
    enum Liar: String, CaseIterable, Sendable {
        /// 1 MiB of incompressible bytes, deflated (the ratio is honest): inflating stops at 1000 bytes.
        case deflated
        /// 64 KiB stored: 1000 bytes are read, which do not match the entry's CRC-32.
        case stored
    }

    @Test("an entry holding more than it declares is refused (inflation stopped at the declared size, or by its CRC-32); what was extracted before it is removed",
          arguments: Liar.allCases)
    func lyingSize(_ liar: Liar) throws {
        let folder = try TestSupport.temporaryDirectory("jury-zip-liar-\(liar.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (method, size, sizes, expected) = switch liar {
        case .deflated: ("ZIP_DEFLATED", "1 << 20", "i.file_size = 1000", "the entry pkg/data/liar.bin inflates beyond the 1000 bytes it declares")
        case .stored: ("ZIP_STORED", "1 << 16", "i.file_size = 1000; i.compress_size = 1000", "the entry pkg/data/liar.bin does not match its CRC-32")
        }
        let zip = try Self.zip("liar.zip", in: folder, extra: """
            i = zipfile.ZipInfo('pkg/data/liar.bin'); i.compress_type = zipfile.\(method)
            z.writestr(i, random.Random(1).randbytes(\(size))); \(sizes)
            """)
        try Self.expectRefused(zip, in: folder, expected)
    }
}
