import Foundation
import LivretLayout
import LivretModel
import LivretPipeline
import LivretTestSupport
import Synchronization
import Testing

/// The pipeline in-process, from `LivretDocument` values: what `render` and `print-run` call.
@Suite("Pipeline (in-process)")
struct PipelineTests {
    static let resources = ResourceLocations(
        layouts: TestSupport.repositoryRoot.appendingPathComponent("Layouts"),
        fonts: TestSupport.repositoryRoot.appendingPathComponent("Fonts"))

    static func specimen() throws -> LivretDocument {
        let data = try Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json"))
        return try LivretDocument.decode(data, source: "specimen.json")
    }

    static func ine(_ n: Int) -> String { String(format: "%010dA", n) }

    /// The specimen under another name, INE and division.
    static func pupil(_ nom: String, _ prenoms: String, ine: Int, division: String, appreciation: String? = nil) throws -> LivretDocument {
        var document = try specimen()
        document.eleve.nom = nom
        document.eleve.prenoms = prenoms
        document.eleve.ine = Self.ine(ine)
        document.eleve.division = division
        if let appreciation { document.scolarites[0].evaluations[0].appreciation = appreciation }
        return document
    }

    /// A dataset folder holding `documents` as `livret import` writes them (INE.json).
    static func dataset(_ documents: [LivretDocument], in folder: URL) throws -> URL {
        let directory = folder.appendingPathComponent("dataset")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for document in documents {
            try document.encoded().write(to: directory.appendingPathComponent("\(document.eleve.ine).json"))
        }
        return directory
    }

    static func printRun(
        _ dataset: URL, out: URL, renderer: LivretRenderer? = nil, simplex: Bool = false, width: Int = 2, divisions: [String]? = nil
    ) async throws(PipelineError) -> PrintRun.Summary {
        let resolved: LivretRenderer
        if let renderer { resolved = renderer } else { resolved = try LivretRenderer(resources: resources, producer: "livret test") }
        let options = PrintRun.Options(dataset: dataset, output: out, divisions: divisions, simplex: simplex, date: "2016-06-24", version: "test")
        return try await PrintRun(options: options, renderer: resolved).run(on: BlockingExecutor(width: width))
    }

    /// A print run's outcome as a value.
    static func attempt(_ dataset: URL, out: URL) async -> Result<PrintRun.Summary, PipelineError> {
        do throws(PipelineError) {
            return .success(try await printRun(dataset, out: out))
        } catch {
            return .failure(error)
        }
    }

    static func pages(_ pdf: URL) throws -> Int {
        Int(try #require(try TestSupport.pdfInfo(pdf)["Pages"])) ?? -1
    }

    @Test("Class order, duplex blank pages, and a summary whose digests match the files", arguments: [1, 4])
    func orderDuplexSummary(width: Int) async throws {
        let folder = try TestSupport.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = [
            try Self.pupil("DABIN", "Luc", ine: 1, division: "TS1"),
            try Self.pupil("D'ALMEIDA", "Ana", ine: 2, division: "TS1"),
            try Self.pupil("Da Silva", "Rui", ine: 3, division: "TS1"),
            try Self.pupil("ÉLIE", "Eve", ine: 4, division: "TS2"),
        ]
        let out = folder.appendingPathComponent("out")
        let summary = try await Self.printRun(try Self.dataset(documents, in: folder), out: out, width: width)
        #expect(summary.pupils.map(\.ine) == [Self.ine(2), Self.ine(3), Self.ine(1), Self.ine(4)])
        #expect(summary.counts.printed == 4 && summary.counts.failed == 0)
        // Duplex: each livret starts on a recto.
        let perPupil = summary.pupils.filter { $0.division == "TS1" }.map(\.pages)
        #expect(try Self.pages(out.appendingPathComponent("TS1.pdf")) == perPupil.reduce(0) { $0 + $1 + $1 % 2 })
        // Every file listed exists with its digest; every file written is listed.
        for file in summary.files {
            #expect(try TestSupport.sha256(out.appendingPathComponent(file.path)) == file.sha256, "\(file.path)")
        }
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.path)
            .filter { $0.hasSuffix(".pdf") }.sorted()
        #expect(written == summary.files.map(\.path).sorted())
        // The summary on disk is the one returned.
        let onDisk = try JSONDecoder().decode(PrintRun.Summary.self, from: Data(contentsOf: out.appendingPathComponent("print-run.json")))
        #expect(onDisk == summary)
    }

    @Test("Simplex: no blank pages; a pupil whose text cannot fit fails alone and loses an earlier file")
    func simplexAndFailure() async throws {
        let folder = try TestSupport.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let good = [try Self.pupil("ALPHA", "A", ine: 1, division: "1S1"), try Self.pupil("BETA", "B", ine: 2, division: "1S1")]
        _ = try await Self.printRun(try Self.dataset(good, in: folder), out: out)
        let stale = out.appendingPathComponent("1S1/\(Self.ine(2)).pdf")
        #expect(FileManager.default.fileExists(atPath: stale.path))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("dataset"))
        let bad = try Self.pupil("BETA", "B", ine: 2, division: "1S1", appreciation: String(repeating: "Un travail très sérieux, régulier et approfondi. ", count: 160))  // under the 8,000-character limit, over what a page holds
        let summary = try await Self.printRun(try Self.dataset([good[0], bad], in: folder), out: out, simplex: true)
        #expect(summary.counts.printed == 1 && summary.counts.failed == 1)
        let failure = try #require(summary.failures.first)
        #expect(failure.ine == Self.ine(2) && failure.reason.contains("does not fit"))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(try Self.pages(out.appendingPathComponent("1S1.pdf")) == summary.pupils[0].pages)
    }

    @Test("A pupil's file of the print run has the bytes of the renderer's PDF")
    func printRunEqualsRender() async throws {
        let folder = try TestSupport.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = try Self.pupil("GAMMA", "G", ine: 7, division: "TES1")
        let renderer = try LivretRenderer(resources: Self.resources, producer: "livret test")
        let rendered = try renderer.pdf(document, source: "gamma")
        for width in [1, 3] {
            let out = folder.appendingPathComponent("out-\(width)")
            _ = try await Self.printRun(try Self.dataset([document], in: folder), out: out, renderer: renderer, width: width)
            #expect(try Data(contentsOf: out.appendingPathComponent("TES1/\(Self.ine(7)).pdf")) == rendered)
        }
    }

    @Test("Division codes that clean to the same name get files of their own; codes equal but for case are refused")
    func divisionFileNames() async throws {
        let folder = try TestSupport.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let codes = ["1S/1", "1S_1", "1S 1", "1S.1", "1Sé1", "1SÉ1", "..", "_2F"]
        var documents: [LivretDocument] = []
        for (index, code) in codes.enumerated() { documents.append(try Self.pupil("NOM\(index)", "P", ine: index + 1, division: code)) }
        let out = folder.appendingPathComponent("out")
        let summary = try await Self.printRun(try Self.dataset(documents, in: folder), out: out)
        #expect(summary.counts.printed == codes.count)
        let classFiles = summary.divisions.compactMap(\.classFile)
        #expect(Set(classFiles).count == codes.count, "\(classFiles)")
        #expect(Set(classFiles.map { $0.lowercased() }).count == codes.count)
        for file in summary.files {
            #expect(try TestSupport.sha256(out.appendingPathComponent(file.path)) == file.sha256, "\(file.path)")
            #expect(!file.path.hasPrefix(".") && !file.path.contains(".."))
        }
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".pdf") }.sorted()
        #expect(written == summary.files.map(\.path).sorted())
        // Each class PDF holds its own pupil.
        for division in summary.divisions {
            let text = try TestSupport.pdfText(out.appendingPathComponent(try #require(division.classFile)))
            let pupil = try #require(summary.pupils.first { $0.division == division.code })
            #expect(text.contains(pupil.ine))
        }

        // Names equal but for case: one file on a case-insensitive disk. Refused, naming both.
        let other = folder.appendingPathComponent("case")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let clash = [try Self.pupil("A", "A", ine: 1, division: "tes1"), try Self.pupil("B", "B", ine: 2, division: "TES1")]
        let clashOut = other.appendingPathComponent("out")
        await #expect {
            _ = try await Self.printRun(try Self.dataset(clash, in: other), out: clashOut)
        } throws: { error in
            guard case .refused(let message) = error as? PipelineError else { return false }
            return message.contains("'tes1'") && message.contains("'TES1'")
        }
        #expect(!FileManager.default.fileExists(atPath: clashOut.path))
        // A class file standing for another class's hand-over sheet.
        let sheet = [try Self.pupil("A", "A", ine: 1, division: "X"), try Self.pupil("B", "B", ine: 2, division: "X-emargement")]
        try FileManager.default.removeItem(at: other.appendingPathComponent("dataset"))
        await #expect(throws: PipelineError.self) { _ = try await Self.printRun(try Self.dataset(sheet, in: other), out: clashOut) }
    }

    @Test("The encoding of file names is injective and keeps plain codes as they are")
    func encoding() {
        #expect(OutputNames.fileName("TS1") == "TS1")
        #expect(OutputNames.fileName("1-S") == "1-S")
        var seen: [String: String] = [:]
        let seed = UInt64.random(in: 0...UInt64.max)
        print("OutputNames encoding: seed \(seed)")
        var generator = SplitMix(seed: seed)
        let alphabet = Array("aA1_-/. é%\u{0}\u{1B}Ω_2F")
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 6)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let name = OutputNames.fileName(text)
            if let earlier = seen[name] { #expect(earlier == text, "seed \(seed): '\(earlier)' and '\(text)' both give \(name)") }
            seen[name] = text
            #expect(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }, "seed \(seed): \(name)")
        }
    }

    @Test("A second print run into a folder in use is refused; the first one's summary describes its files")
    func lock() async throws {
        let folder = try TestSupport.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let dataset = try Self.dataset([try Self.pupil("A", "A", ine: 1, division: "C1")], in: folder)
        do {
            let held = try OutputLock(directory: out)
            await #expect {
                _ = try await Self.printRun(dataset, out: out)
            } throws: { error in
                guard case .busy(let path) = error as? PipelineError else { return false }
                return path == out.path && "\(error)".contains("in use")
            }
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("C1.pdf").path))
            withExtendedLifetime(held) {}
        }
        // Released: the run goes, and two runs at once: one prints, the other is refused or waits its turn.
        async let first = Self.attempt(dataset, out: out)
        async let second = Self.attempt(dataset, out: out)
        let results = await [first, second]
        let succeeded = results.compactMap { try? $0.get() }
        #expect(!succeeded.isEmpty)
        for result in results {
            if case .failure(let error) = result {
                guard case .busy = error else { Issue.record("unexpected \(error)"); continue }
            }
        }
        let summary = try JSONDecoder().decode(PrintRun.Summary.self, from: Data(contentsOf: out.appendingPathComponent("print-run.json")))
        for file in summary.files {
            #expect(try TestSupport.sha256(out.appendingPathComponent(file.path)) == file.sha256)
        }
    }

    @Test("The executor runs at most its width of jobs at once, off the cooperative pool")
    func executorBound() async throws {
        let executor = BlockingExecutor(width: 2)
        let counters = Counters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await executor.run {
                        let now = counters.running.add(1, ordering: .sequentiallyConsistent).newValue
                        _ = counters.highest.max(now, ordering: .sequentiallyConsistent)
                        // Wait (up to 5 s) for a second job to run beside this one, so that the
                        // overlap does not depend on the machine's load: a width of 2 must allow it.
                        let deadline = Date().addingTimeInterval(5)
                        while counters.running.load(ordering: .sequentiallyConsistent) < 2 && Date() < deadline { usleep(1_000) }
                        _ = counters.highest.max(counters.running.load(ordering: .sequentiallyConsistent), ordering: .sequentiallyConsistent)
                        usleep(20_000)
                        counters.running.subtract(1, ordering: .sequentiallyConsistent)
                    }
                }
            }
        }
        #expect(counters.highest.load(ordering: .sequentiallyConsistent) == 2)
        let thrown = await #expect(throws: PipelineError.self) {
            try await executor.run { () throws(PipelineError) in throw .refused("x") }
        }
        #expect(thrown != nil)
    }
}

/// Atomics shared by the jobs of `executorBound`.
final class Counters: Sendable {
    let running = Atomic<Int>(0)
    let highest = Atomic<Int>(0)
}

/// A seeded generator (SplitMix64): a failing case can be replayed from the printed seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
