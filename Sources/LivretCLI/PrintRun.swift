import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPDF
import Synchronization

enum PrintRunError: Error, CustomStringConvertible {
    case input(String)
    var description: String {
        switch self { case .input(let message): message }
    }
}

/// A print run: the livrets of one or more divisions, as one PDF per class (duplex-ready, in the
/// order of the class list), one PDF per pupil and a hand-over sheet per class. Divisions are
/// rendered in parallel, one task per division, each with its own cairo surfaces; pupils stream
/// through a division one at a time, so memory does not grow with the number of pupils.
struct PrintRun {
    struct Options {
        var dataset: URL
        var output: URL
        var divisions: [String]?      // nil: all
        var paperOnly: URL?
        var simplex: Bool
        var date: String
        var jobs: Int
    }

    /// A pupil of the dataset: only what ordering and filtering need; the document is read again when printed.
    struct Entry: Sendable {
        var file: URL
        var ine: String
        var nom: String
        var prenoms: String
        var division: String
        var dateDocument: String
        var etablissement: Etablissement
        var annees: [String]
    }

    struct FileRecord: Codable, Sendable {
        var path: String
        var sha256: String
        var bytes: Int
        var pages: Int
    }

    struct PupilRecord: Codable, Sendable {
        var ine: String
        var division: String
        var file: String
        var pages: Int
        var sha256: String
        /// With `--archive`: the object's version holding this copy, and whether this run made it.
        var archiveVersion: String?
        var archiveNewVersion: Bool?
    }

    struct Failure: Codable, Sendable {
        var ine: String?
        var division: String?
        var source: String
        var reason: String
    }

    struct UnknownPaperOnly: Codable, Sendable {
        var ine: String
        var line: Int
    }

    struct DivisionRecord: Codable, Sendable {
        var code: String
        var printed: Int
        var failed: Int
        var pages: Int
        var classFile: String?
        var emargementFile: String?
    }

    struct Summary: Codable, Sendable {
        struct Counts: Codable, Sendable {
            var divisions: Int
            var pupils: Int
            var printed: Int
            var failed: Int
            var pages: Int
            var files: Int
            var archivedNewVersions: Int?
            var archivedUnchanged: Int?
        }

        var livret: String
        var date: String
        var simplex: Bool
        var paperOnly: String?
        var counts: Counts
        var divisions: [DivisionRecord]
        var pupils: [PupilRecord]
        var files: [FileRecord]
        var failures: [Failure]
        var unknownPaperOnly: [UnknownPaperOnly]
    }

    let options: Options
    /// Whether each division draws its class PDF and its pupils' PDFs on two threads at once
    /// (set when there are fewer divisions than cores).
    var parallelStreams = false
    /// When given, each pupil's PDF and the document it was rendered from are put into the
    /// archive as they are printed (`<année>/livret.pdf`, `<année>/livret.json`).
    let archive: Archive?
    let renderer: Renderer
    let sheet: EmargementSheet
    let progress: PrintProgress?

    // MARK: reading the dataset

    /// What ordering and filtering need of a document.
    struct DocumentHead: Decodable {
        struct Year: Decodable {
            var anneeScolaire: Int
            var division: String?
            var anneeLabel: String { "\(anneeScolaire)-\(anneeScolaire + 1)" }
        }

        var dateDocument: String
        var etablissement: Etablissement
        var eleve: Eleve
        var scolarites: [Year]
    }

    /// Every document of the dataset, checked; the ones that cannot be read are failures of the run.
    static func readDataset(_ directory: URL) throws -> (entries: [Entry], failures: [Failure]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PrintRunError.input("\(directory.path): no such dataset directory")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && $0 != "import-report.json" }
            .sorted()
        var entries: [Entry] = []
        var failures: [Failure] = []
        for name in names {
            let file = directory.appendingPathComponent(name)
            do {
                // Only the head of each document: the rest is read when the pupil is printed.
                let document = try JSONDecoder().decode(DocumentHead.self, from: try Data(contentsOf: file))
                entries.append(Entry(
                    file: file, ine: document.eleve.ine, nom: document.eleve.nom, prenoms: document.eleve.prenoms,
                    division: document.eleve.division ?? document.scolarites.last?.division ?? "SANS-DIVISION",
                    dateDocument: document.dateDocument, etablissement: document.etablissement,
                    annees: document.scolarites.map(\.anneeLabel)))
            } catch {
                // Read in full, for a message that names the field.
                let reason: String
                do {
                    _ = try LivretDocument.decode(try Data(contentsOf: file), source: name)
                    reason = "\(error)"
                } catch let error as DocumentError {
                    reason = error.problems.map(\.description).joined(separator: "; ")
                } catch {
                    reason = describeIOError(error)
                }
                failures.append(Failure(ine: String(name.dropLast(5)), division: nil, source: name, reason: reason))
            }
        }
        if entries.isEmpty && failures.isEmpty {
            throw PrintRunError.input("\(directory.path): no livret document (*.json) in this directory")
        }
        return (entries, failures)
    }

    // MARK: running

    func run() throws -> Summary {
        let (all, readFailures) = try Self.readDataset(options.dataset)
        var selected = all
        var unknown: [UnknownPaperOnly] = []
        if let paperOnly = options.paperOnly {
            let list = try PaperOnlyList.read(paperOnly)
            let known = Set(all.map(\.ine))
            unknown = list.entries.filter { !known.contains($0.ine) }.map { UnknownPaperOnly(ine: $0.ine, line: $0.line) }
            let wanted = Set(list.entries.map(\.ine))
            selected = selected.filter { wanted.contains($0.ine) }
        }
        let available = Set(all.map(\.division))
        if let divisions = options.divisions {
            let missing = divisions.filter { !available.contains($0) }
            if !missing.isEmpty {
                throw PrintRunError.input("division \(missing.joined(separator: ", ")) is not in the dataset (divisions: \(available.sorted().joined(separator: ", ")))")
            }
            let wanted = Set(divisions)
            selected = selected.filter { wanted.contains($0.division) }
        }
        var byDivision: [String: [Entry]] = [:]
        for entry in selected { byDivision[entry.division, default: []].append(entry) }
        let codes = byDivision.keys.sorted()
        try FileManager.default.createDirectory(at: options.output, withIntermediateDirectories: true)
        progress?.start(total: selected.count)

        // Divisions go to `jobs` worker threads (Dispatch's, not the cooperative pool: the work is
        // long, blocking and CPU-bound); each worker takes the next division when it is done.
        let sortedDivisions = codes.map { code in
            (code, byDivision[code]!.sorted { FrenchCollation.precedes(($0.nom, $0.prenoms, $0.ine), ($1.nom, $1.prenoms, $1.ine)) })
        }
        AtomicFile.removeStaleTemporaries(in: options.output)
        var configured = self
        configured.parallelStreams = codes.count < options.jobs
        let run = configured
        let queue = Mutex((next: 0, results: [String: DivisionResult]()))
        DispatchQueue.concurrentPerform(iterations: min(max(1, options.jobs), max(1, codes.count))) { _ in
            // One set of cairo faces per worker, for all the classes it prints: glyph metrics are
            // loaded once, and cairo does not keep the glyphs of a new set of faces for every class.
            let worker = Worker(fonts: Result { () throws(PDFError) -> PDFFonts in try PDFFonts(files: run.renderer.fontFiles) })
            while true {
                let index: Int = queue.withLock { state in
                    defer { state.next += 1 }
                    return state.next
                }
                guard index < sortedDivisions.count else { return }
                let (code, pupils) = sortedDivisions[index]
                let result = run.printDivision(code, pupils, worker: worker)
                queue.withLock { $0.results[code] = result }
            }
        }
        let results = queue.withLock { $0.results }
        progress?.finish()

        var summary = Summary(
            livret: LivretCommand.version, date: options.date, simplex: options.simplex,
            paperOnly: options.paperOnly?.lastPathComponent,
            counts: .init(divisions: codes.count, pupils: selected.count + readFailures.count, printed: 0, failed: readFailures.count, pages: 0, files: 0),
            divisions: [], pupils: [], files: [], failures: readFailures, unknownPaperOnly: unknown)
        for code in codes {
            let result = results[code]!
            summary.divisions.append(result.record)
            summary.pupils += result.pupils
            summary.files += result.files
            summary.failures += result.failures
            summary.counts.printed += result.pupils.count
            summary.counts.failed += result.failures.count
            summary.counts.pages += result.pupils.reduce(0) { $0 + $1.pages }
        }
        summary.counts.files = summary.files.count
        if archive != nil {
            summary.counts.archivedNewVersions = summary.pupils.filter { $0.archiveNewVersion == true }.count
            summary.counts.archivedUnchanged = summary.pupils.filter { $0.archiveNewVersion == false }.count
        }
        summary.files.sort { $0.path < $1.path }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(summary)
        data.append(0x0A)
        try AtomicFile.write(data, to: options.output.appendingPathComponent("print-run.json"))
        return summary
    }

    struct DivisionResult: Sendable {
        var record: DivisionRecord
        var pupils: [PupilRecord]
        var files: [FileRecord]
        var failures: [Failure]
    }

    /// One class. Never throws: what fails is recorded in the result, pupil by pupil, or for the
    /// class as a whole (its class PDF or sheet), and the other classes go on.
    /// What one worker thread keeps from class to class.
    struct Worker {
        var fonts: Result<PDFFonts, PDFError>
    }

    func printDivision(_ code: String, _ entries: [Entry], worker: Worker) -> DivisionResult {
        var result = DivisionResult(record: DivisionRecord(code: code, printed: 0, failed: 0, pages: 0), pupils: [], files: [], failures: [])
        do {
            try printDivision(code, entries, worker: worker, into: &result)
        } catch {
            result.failures.append(Failure(ine: nil, division: code, source: "division \(code)", reason: "the class files could not be made: \(error)"))
        }
        result.record.printed = result.pupils.count
        result.record.failed = result.failures.count
        result.record.pages = result.pupils.reduce(0) { $0 + $1.pages }
        return result
    }

    /// What the class stream did: the pupils it drew (in order) and the pages it wrote.
    /// `@unchecked Sendable`: written by the class stream only, read after the stream has
    /// signalled its semaphore, which orders the writes before the reads.
    final class ClassStreamOutcome: @unchecked Sendable {
        var drawn: [String] = []
        var pages = 0
        var error: (any Error)?
    }

    /// Each pupil's PDF and the class PDF, as two streams on two threads (each with its own
    /// typesetter and cairo faces): the class stream lays out and draws the class PDF, the pupil
    /// stream lays out, draws and writes each pupil's file. Then the sheet.
    private func printDivision(_ code: String, _ entries: [Entry], worker: Worker, into result: inout DivisionResult) throws {
        let fileCode = Self.safeFileName(code)
        let pupilDirectory = options.output.appendingPathComponent(fileCode)
        try FileManager.default.createDirectory(at: pupilDirectory, withIntermediateDirectories: true)
        AtomicFile.removeStaleTemporaries(in: pupilDirectory)

        let classURL = options.output.appendingPathComponent("\(fileCode).pdf")
        let classTemporary = AtomicFile.temporarySibling(of: classURL)
        guard FileManager.default.createFile(atPath: classTemporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: classTemporary.path])
        }
        let classHandle = try FileHandle(forWritingTo: classTemporary)
        var published = false
        defer {
            try? classHandle.close()
            if !published { try? FileManager.default.removeItem(at: classTemporary) }  // never leave a partial class PDF
        }
        let first = entries.first
        let classMetadata = PDFMetadata(
            title: "Livret scolaire du lycée — classe \(code)\(first.map { " — " + ($0.annees.last ?? "") } ?? "")",
            author: first?.etablissement.nom ?? "",
            subject: "Livrets de la division \(code)",
            creator: "livret \(LivretCommand.version)",
            creationDate: "\(entries.map(\.dateDocument).max() ?? options.date)T00:00:00Z")

        // With fewer classes than cores (one class for the conseil), the class PDF is drawn by a
        // stream of its own, on a thread of its own (not Dispatch's pool: it is busy with the
        // divisions), beside the pupil stream; both lay out each livret. Otherwise the classes
        // already fill the cores, and each livret is laid out once and drawn into both files.
        let outcome = ClassStreamOutcome()
        let done = DispatchSemaphore(value: 0)
        let pdfFonts = try worker.fonts.get()
        var alongside: ((Entry, [Page], LivretLayoutEngine, Typesetter) throws -> Void)?
        var classWriter: PDFWriter?
        if parallelStreams {
            let classStream = self
            let thread = Thread {
                do {
                    try classStream.drawClass(entries, to: classHandle, metadata: classMetadata, outcome: outcome)
                } catch {
                    outcome.error = error
                }
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        } else {
            let writer = try PDFWriter(fonts: pdfFonts, metadata: classMetadata, output: classHandle)
            classWriter = writer
            alongside = { entry, pages, engine, typesetter in
                try self.append(pages, of: entry, engine: engine, typesetter: typesetter, to: writer, outcome: outcome)
            }
        }
        let rows = printPupils(
            code, entries, directory: pupilDirectory, fonts: pdfFonts, alongside: alongside, into: &result)
        if let classWriter {
            if outcome.pages > 0 { try classWriter.finish() }
        } else {
            done.wait()
        }
        if let error = outcome.error { throw error }
        // Both streams lay out the same documents the same way; should they ever disagree (an I/O
        // error on one side), the class PDF is not published rather than differ from the files.
        guard outcome.drawn == result.pupils.map(\.ine) else {
            throw PrintRunError.input("the class PDF and the pupils' files disagree on who was printed")
        }

        if outcome.pages > 0 {
            try classHandle.synchronize()
            try classHandle.close()
            let data = try Data(contentsOf: classTemporary, options: .alwaysMapped)
            result.files.append(FileRecord(path: "\(fileCode).pdf", sha256: Digests.sha256(data), bytes: data.count, pages: outcome.pages))
            guard rename(classTemporary.path, classURL.path) == 0 else {
                throw PrintRunError.input("cannot rename \(classTemporary.path): \(String(cString: strerror(errno)))")
            }
            published = true
            result.record.classFile = "\(fileCode).pdf"

            let etab = first!.etablissement
            let header = EmargementSheet.Header(
                etablissement: etab.nom, uai: etab.uai, division: code, anneeScolaire: first?.annees.last ?? "", date: options.date)
            let sheetPages = try sheet.layout(header: header, rows: rows)
            let sheetPDF = try PDFWriter.render(sheetPages, fonts: pdfFonts, metadata: PDFMetadata(
                title: "Feuille d'émargement — classe \(code)", author: etab.nom, creator: "livret \(LivretCommand.version)",
                creationDate: "\(options.date)T00:00:00Z"))
            let sheetName = "\(fileCode)-emargement.pdf"
            try AtomicFile.write(sheetPDF, to: options.output.appendingPathComponent(sheetName))
            result.files.append(FileRecord(path: sheetName, sha256: Digests.sha256(sheetPDF), bytes: sheetPDF.count, pages: sheetPages.count))
            result.record.emargementFile = sheetName
        }
    }

    /// The class stream: every livret that lays out, in class order, a blank page after an odd
    /// one (duplex), streamed into the class PDF. Pupils that fail are left out (the pupil stream,
    /// which lays them out the same way, reports them).
    private func drawClass(_ entries: [Entry], to handle: FileHandle, metadata: PDFMetadata, outcome: ClassStreamOutcome) throws {
        let typesetter = Typesetter(fonts: renderer.engines[renderer.defaultLayout]!.fonts)
        let writer = try PDFWriter(fonts: try PDFFonts(files: renderer.fontFiles), metadata: metadata, output: handle)
        for entry in entries {
            let pages: [Page]
            let engine: LivretLayoutEngine
            do {
                let document = try LivretDocument.decode(try Data(contentsOf: entry.file), source: entry.file.lastPathComponent)
                engine = try renderer.engine(for: document)
                pages = try engine.layout(document, typesetter: typesetter)
            } catch {
                continue
            }
            try append(pages, of: entry, engine: engine, typesetter: typesetter, to: writer, outcome: outcome)
        }
        if outcome.pages > 0 { try writer.finish() }
    }

    /// One livret into the class PDF, and a blank page after an odd one (duplex).
    private func append(
        _ pages: [Page], of entry: Entry, engine: LivretLayoutEngine, typesetter: Typesetter, to writer: PDFWriter,
        outcome: ClassStreamOutcome
    ) throws {
        for page in pages { try writer.add(page) }
        outcome.pages += pages.count
        if pages.count % 2 == 1 && !options.simplex {
            try writer.add(engine.blankPage(typesetter: typesetter))
            outcome.pages += 1
        }
        outcome.drawn.append(entry.ine)
    }

    /// The pupil stream: each pupil's PDF (the same bytes as `livret render`), written and, with
    /// `--archive`, archived. Returns the rows of the hand-over sheet.
    private func printPupils(
        _ code: String, _ entries: [Entry], directory pupilDirectory: URL, fonts pdfFonts: PDFFonts,
        alongside: ((Entry, [Page], LivretLayoutEngine, Typesetter) throws -> Void)?, into result: inout DivisionResult
    ) -> [EmargementSheet.Row] {
        let fileCode = Self.safeFileName(code)
        // A typesetter per class: its caches hold what repeats within a class (labels,
        // competencies) and go with it, so memory does not grow with the number of pupils.
        let typesetter = Typesetter(fonts: renderer.engines[renderer.defaultLayout]!.fonts)
        var rows: [EmargementSheet.Row] = []
        for entry in entries {
            let source = entry.file.lastPathComponent
            do {
                let document = try LivretDocument.decode(try Data(contentsOf: entry.file), source: source)
                let engine = try renderer.engine(for: document)
                let pages = try engine.layout(document, typesetter: typesetter)
                let pdf = try PDFWriter.render(
                    pages, fonts: pdfFonts, metadata: Renderer.metadata(document), archival: .livret(source: document.encoded()))
                let digest = Digests.sha256(pdf)
                let name = "\(Self.safeFileName(entry.ine)).pdf"
                try AtomicFile.write(pdf, to: pupilDirectory.appendingPathComponent(name))
                var archived: PutResult?
                if let archive {
                    let year = document.scolarites.last?.anneeLabel ?? "sans-annee"
                    do {
                        archived = try archive.put(
                            ine: document.eleve.ine,
                            files: [
                                ArchiveFile(logicalPath: "\(year)/livret.pdf", data: pdf),
                                ArchiveFile(logicalPath: "\(year)/livret.json", contentsOf: entry.file),
                            ],
                            message: "Livret scolaire \(year), impression de la division \(code)",
                            user: .current, metadata: ArchiveMetadata(division: code, year: year))
                    } catch {
                        result.failures.append(Failure(ine: entry.ine, division: code, source: source, reason: "printed, but not archived: \(error)"))
                    }
                }
                try alongside?(entry, pages, engine, typesetter)
                let relative = "\(fileCode)/\(name)"
                result.pupils.append(PupilRecord(
                    ine: entry.ine, division: code, file: relative, pages: pages.count, sha256: digest,
                    archiveVersion: archived?.version, archiveNewVersion: archived.map { if case .created = $0 { true } else { false } }))
                result.files.append(FileRecord(path: relative, sha256: digest, bytes: pdf.count, pages: pages.count))
                rows.append(EmargementSheet.Row(nom: entry.nom, prenoms: entry.prenoms, ine: entry.ine, pages: pages.count, sha256: digest))
                progress?.advance(pages: pages.count)
            } catch {
                let reason = switch error {
                case let error as DocumentError: error.problems.map(\.description).joined(separator: "; ")
                case let error as LayoutError: error.description
                case let error as PDFError: error.description
                default: describeIOError(error)
                }
                result.failures.append(Failure(ine: entry.ine, division: code, source: source, reason: reason))
                // A file from an earlier run must not pass for this one's.
                try? FileManager.default.removeItem(at: pupilDirectory.appendingPathComponent("\(Self.safeFileName(entry.ine)).pdf"))
                progress?.advance(pages: 0)
            }
        }
        return rows
    }

    /// A division code or INE as a file name: letters, digits, `-` and `_` kept, anything else `_`.
    static func safeFileName(_ text: String) -> String {
        let mapped = text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" }
        return mapped.isEmpty ? "_" : String(mapped)
    }
}

/// The progress line on a terminal: pupils done / total, pages per second, time left.
final class PrintProgress: Sendable {
    private struct State {
        var total = 0
        var done = 0
        var pages = 0
        var started = ContinuousClock.now
        var lastDrawn = ContinuousClock.now
    }

    private let state = Mutex(State())

    func start(total: Int) {
        state.withLock { $0 = State(total: total, done: 0, pages: 0, started: .now, lastDrawn: .now) }
    }

    func advance(pages: Int) {
        let line: String? = state.withLock { s in
            s.done += 1
            s.pages += pages
            let now = ContinuousClock.now
            guard now - s.lastDrawn > .milliseconds(150) || s.done == s.total else { return nil }
            s.lastDrawn = now
            let elapsed = Self.seconds(now - s.started)
            let rate = elapsed > 0 ? Double(s.pages) / elapsed : 0
            let left = s.done > 0 ? elapsed / Double(s.done) * Double(s.total - s.done) : 0
            return "\r\u{1B}[K\(s.done)/\(s.total) pupils · \(Int(rate)) pages/s · \(Int(left.rounded())) s left"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
