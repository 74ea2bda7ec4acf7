import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPDF
import LivretSign
import Synchronization

/// What a print run reports while it works (no terminal output: the caller shows it its way).
public enum PrintRunProgress: Sendable, Hashable {
    /// The run has chosen its pupils: `pupils` to go.
    case started(pupils: Int)
    /// One pupil done (printed: `pages` > 0, or failed: 0 pages).
    case pupil(pages: Int)
    /// Every division done; the summary is being written.
    case finished
}

/// A print run: the livrets of one or more divisions, as one PDF per class (duplex-ready, in the
/// order of the class list), one PDF per pupil (the bytes of `LivretRenderer.pdf`) and a
/// hand-over sheet per class, described by `print-run.json`.
///
/// Divisions are printed in parallel on the executor given to `run`; pupils stream through a
/// division one at a time, so memory does not grow with the number of pupils. A pupil that
/// fails does not stop the others: it is a failure of the summary.
public struct PrintRun: Sendable {
    /// What to print, and where.
    public struct Options: Sendable {
        /// The dataset folder.
        public var dataset: URL
        /// The output folder (created if missing; locked while the run writes into it).
        public var output: URL
        /// The divisions to print; nil: all.
        public var divisions: [String]?
        /// Only the pupils of this list (families who refused online access).
        public var paperOnly: URL?
        /// No blank pages between livrets.
        public var simplex: Bool
        /// The date printed on the hand-over sheets (YYYY-MM-DD).
        public var date: String
        /// The program's version, written into `print-run.json`.
        public var version: String

        /// - Parameters: see the properties.
        public init(
            dataset: URL, output: URL, divisions: [String]? = nil, paperOnly: URL? = nil, simplex: Bool = false,
            date: String, version: String
        ) {
            self.dataset = dataset
            self.output = output
            self.divisions = divisions
            self.paperOnly = paperOnly
            self.simplex = simplex
            self.date = date
            self.version = version
        }
    }

    /// One file written, as listed in `print-run.json`.
    public struct FileRecord: Codable, Sendable, Hashable {
        /// Relative to the output folder.
        public var path: String
        /// SHA-256 of the file, hex.
        public var sha256: String
        /// Size in bytes.
        public var bytes: Int
        /// Pages of the PDF.
        public var pages: Int
    }

    /// One pupil printed.
    public struct PupilRecord: Codable, Sendable, Hashable {
        /// The pupil's INE.
        public var ine: String
        /// The division code.
        public var division: String
        /// The pupil's PDF, relative to the output folder.
        public var file: String
        /// Pages of the pupil's PDF.
        public var pages: Int
        /// SHA-256 of the pupil's PDF, hex.
        public var sha256: String
        /// With an archive: the object's version holding this copy.
        public var archiveVersion: String?
        /// With an archive: whether this run made that version.
        public var archiveNewVersion: Bool?
    }

    /// A pupil (or a division's class files) not printed, and why.
    public struct Failure: Codable, Sendable, Hashable {
        /// The pupil's INE (for a document that cannot be read: its file name without `.json`).
        public var ine: String?
        /// The division, when known.
        public var division: String?
        /// The document's file name, or `division CODE`.
        public var source: String
        /// Why, in plain words.
        public var reason: String
    }

    /// An INE of the paper-only list that is not in the dataset.
    public struct UnknownPaperOnly: Codable, Sendable, Hashable {
        /// The INE.
        public var ine: String
        /// Its line in the list.
        public var line: Int
    }

    /// One division printed.
    public struct DivisionRecord: Codable, Sendable, Hashable {
        /// The division code.
        public var code: String
        /// Pupils printed.
        public var printed: Int
        /// Pupils failed.
        public var failed: Int
        /// Pages of the pupils' livrets (blank pages of the class PDF left out).
        public var pages: Int
        /// The class PDF, when at least one pupil was printed.
        public var classFile: String?
        /// The hand-over sheet, when at least one pupil was printed.
        public var emargementFile: String?
        /// The journal's head printed on the hand-over sheet, signed with the lycée's key (`LSLJ1:…`).
        public var signedJournalHead: String?
    }

    /// How the pupils' livrets of a run were signed.
    public struct SignatureRecord: Codable, Sendable, Hashable {
        /// The signing time written in every signature (/M), UTC, whole seconds.
        public var time: String
        /// The certificate's subject.
        public var certificateSubject: String
        /// The SHA-256 fingerprint of the certificate (hex).
        public var certificateSHA256: String
    }

    /// What a run recorded in the journal.
    public struct JournalSummary: Codable, Sendable, Hashable {
        /// Entries this run appended (one per signed livret issued).
        public var recorded: Int
        /// The journal's head after the run (`seq:sha256`), when the chain is intact.
        public var head: String?
        /// That head signed with the lycée's key (`LSLJ1:…`, see `SignedJournalHead`): what
        /// `livret journal verify --witness` takes.
        public var signedHead: String?
        /// With an archive: the lycée object and version the journal was sealed into after the
        /// run (`urn:lsl:uai:0382032C v4`), with the certificate used.
        public var sealed: String?
    }

    /// `print-run.json`: what was printed, with the files' digests, and what failed.
    public struct Summary: Codable, Sendable, Hashable {
        /// Totals.
        public struct Counts: Codable, Sendable, Hashable {
            /// Divisions printed.
            public var divisions: Int
            /// Pupils selected (including documents that could not be read).
            public var pupils: Int
            /// Pupils printed.
            public var printed: Int
            /// Pupils failed.
            public var failed: Int
            /// Pages of the pupils' livrets.
            public var pages: Int
            /// Files listed in `files`.
            public var files: Int
            /// With an archive: versions made by this run.
            public var archivedNewVersions: Int?
            /// With an archive: pupils whose PDF was already the archive's head.
            public var archivedUnchanged: Int?
        }

        /// The program's version.
        public var livret: String
        /// The date on the hand-over sheets.
        public var date: String
        /// Whether blank pages were left out.
        public var simplex: Bool
        /// The paper-only list's file name.
        public var paperOnly: String?
        /// How the pupils' livrets were signed; nil: not signed.
        public var signature: SignatureRecord?
        /// With a journal: the entries this run recorded, and the journal's head after the run.
        public var journal: JournalSummary?
        /// Totals.
        public var counts: Counts
        /// The divisions, by code.
        public var divisions: [DivisionRecord]
        /// The pupils printed, division by division in class order.
        public var pupils: [PupilRecord]
        /// Every file written, by path.
        public var files: [FileRecord]
        /// What was not printed.
        public var failures: [Failure]
        /// INEs of the paper-only list not in the dataset.
        public var unknownPaperOnly: [UnknownPaperOnly]
        /// With `--receipts`: the hand-over receipts written (see ``PrintRunReceipts``).
        public var receipts: [PrintRunReceipts.Record]?
    }

    /// The summary's file name, in the output folder.
    public static let summaryFileName = "print-run.json"

    /// What to print.
    public let options: Options
    /// Lays out and draws every livret (and gives the fonts of the hand-over sheets).
    public internal(set) var renderer: LivretRenderer
    /// When given, each pupil's PDF and its document are put into the archive as they are printed.
    public let archive: Archive?
    /// When given (and the livrets are signed), each signed livret issued is recorded in this
    /// journal, a division at a time, before its hand-over sheet is drawn (which prints the head).
    public let journal: JournalRecorder?
    let sheet: EmargementSheet
    /// When set, a hand-over receipt per pupil printed is written once every division is done.
    public private(set) var receipts: PrintRunReceipts?

    /// The same run, writing hand-over receipts (nil: none).
    public func writingReceipts(_ receipts: PrintRunReceipts?) -> PrintRun {
        var copy = self
        copy.receipts = receipts
        return copy
    }

    /// Prepares a print run; the hand-over sheet's layout (`emargement.json`) is read from the
    /// renderer's layouts folder.
    public init(options: Options, renderer: LivretRenderer, archive: Archive? = nil, journal: JournalRecorder? = nil) throws(PipelineError) {
        self.options = options
        self.renderer = renderer
        self.archive = archive
        self.journal = journal
        let spec: EmargementSheet.Spec
        do {
            spec = try EmargementSheet.Spec.load(from: renderer.resources.layouts.appendingPathComponent("emargement.json"))
        } catch {
            throw .layout(error)
        }
        self.sheet = EmargementSheet(spec: spec, fonts: renderer.defaultEngine.fonts)
    }

    // MARK: reading the dataset

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
        var modele: String?
    }

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
        var modele: String?
    }

    /// Every document of the dataset, checked; the ones that cannot be read are failures of the run.
    static func readDataset(_ dataset: Dataset) -> (entries: [Entry], failures: [Failure]) {
        var entries: [Entry] = []
        var failures: [Failure] = []
        for file in dataset.files {
            let name = file.lastPathComponent
            do {
                // Only the head of each document: the rest is read when the pupil is printed.
                // The input checks first (duplicate keys, oversize fields), as for a whole document.
                let data = try Dataset.contents(of: file)
                try LivretDocument.checkInput(data, source: name)
                let document = try JSONDecoder().decode(DocumentHead.self, from: data)
                entries.append(Entry(
                    file: file, ine: document.eleve.ine, nom: document.eleve.nom, prenoms: document.eleve.prenoms,
                    division: document.eleve.division ?? document.scolarites.last?.division ?? "SANS-DIVISION",
                    dateDocument: document.dateDocument, etablissement: document.etablissement,
                    annees: document.scolarites.map(\.anneeLabel), modele: document.modele))
            } catch {
                // Read in full, for a message that names the field.
                let reason: String
                do {
                    _ = try Dataset.document(at: file)
                    reason = "\(error)"
                } catch {
                    reason = error.description
                }
                failures.append(Failure(ine: String(name.dropLast(5)), division: nil, source: name, reason: reason))
            }
        }
        return (entries, failures)
    }

    // MARK: running

    /// Prints, writes `print-run.json`, and returns the summary.
    ///
    /// The output folder is locked for the whole run (`OutputLock`); the summary of an earlier
    /// run is removed first, so that `print-run.json`, when present, always describes the files
    /// beside it.
    /// - Parameters:
    ///   - executor: where the blocking work runs; as many divisions at once as its width.
    ///   - progress: called from any thread as the run goes.
    /// - Throws: `.refused` for a selection that cannot be printed (unknown division, unreadable
    ///   list, clashing file names), `.busy` when another run holds the folder, `.io`.
    public func run(
        on executor: BlockingExecutor, progress: @escaping @Sendable (PrintRunProgress) -> Void = { _ in }
    ) async throws(PipelineError) -> Summary {
        // The synchronous work is kept out of this async function (`@inline(never)`): inlined, its
        // throwing calls crash Swift 6.3's coroutine splitting in release builds.
        let prepared = try prepare()
        progress(.started(pupils: prepared.selected.count))
        // Every layout the documents name, loaded once for the whole run.
        var run = self
        run.renderer = renderer.loading(Set(prepared.selected.compactMap(\.modele)))
        let results = await run.printDivisions(prepared.divisions, on: executor, progress: progress)
        var receiptBatch: PrintRunReceipts.Batch?
        if let receipts = run.receipts {
            let (pupils, output, journal) = (results.flatMap(\.pupils), options.output, journal)
            receiptBatch = await executor.run { receipts.write(pupils, output: output, journal: journal) }
        }
        progress(.finished)
        return try run.summarize(prepared, results, receipts: receiptBatch)
    }

    /// What `run` prepared before printing: the selection, and the lock on the output folder.
    struct Prepared: Sendable {
        var selected: [Entry]
        var readFailures: [Failure]
        var unknown: [UnknownPaperOnly]
        var codes: [String]
        var divisions: [(String, [Entry])]
        var summaryURL: URL
        var lock: OutputLock
    }

    /// Reads and selects, locks the output folder, removes the earlier summary.
    @inline(never)
    func prepare() throws(PipelineError) -> Prepared {
        let dataset = try Dataset(directory: options.dataset)
        let (all, readFailures) = Self.readDataset(dataset)
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
                throw .refused("division \(missing.joined(separator: ", ")) is not in the dataset (divisions: \(available.sorted().joined(separator: ", ")))")
            }
            let wanted = Set(divisions)
            selected = selected.filter { wanted.contains($0.division) }
        }
        var byDivision: [String: [Entry]] = [:]
        for entry in selected { byDivision[entry.division, default: []].append(entry) }
        let codes = byDivision.keys.sorted()
        let clashes = OutputNames.collisions(codes, reserved: [Self.summaryFileName, OutputLock.fileName])
        if !clashes.isEmpty { throw .refused(clashes.joined(separator: "; ")) }

        do throws(IOError) {
            try FileIO.createFolders(options.output.path)
        } catch {
            throw .io(error)
        }
        let lock = try OutputLock(directory: options.output)
        let summaryURL = options.output.appendingPathComponent(Self.summaryFileName)
        if unlink(summaryURL.path) != 0 && errno != ENOENT {
            throw .io(IOError.current(.remove, path: summaryURL.path))
        }
        AtomicFile.removeStaleTemporaries(in: options.output)
        // A document that could not be read names no division: an earlier run's file of that
        // pupil, in any division printed now, must not pass for this run's.
        for failure in readFailures {
            guard let ine = failure.ine else { continue }
            for code in codes {
                let folder = options.output.appendingPathComponent(OutputNames.fileName(code))
                unlink(folder.appendingPathComponent("\(OutputNames.fileName(ine)).pdf").path)
            }
        }
        let divisions = codes.map { code in
            (code, byDivision[code]!.sorted { FrenchCollation.precedes(($0.nom, $0.prenoms, $0.ine), ($1.nom, $1.prenoms, $1.ine)) })
        }
        return Prepared(
            selected: selected, readFailures: readFailures, unknown: unknown, codes: codes, divisions: divisions,
            summaryURL: summaryURL, lock: lock)
    }

    /// The summary of the divisions printed, written to `print-run.json` (the lock still held).
    @inline(never)
    func summarize(_ prepared: Prepared, _ results: [DivisionResult], receipts: PrintRunReceipts.Batch? = nil) throws(PipelineError) -> Summary {
        defer { withExtendedLifetime(prepared.lock) {} }
        var summary = Summary(
            livret: options.version, date: options.date, simplex: options.simplex,
            paperOnly: options.paperOnly?.lastPathComponent,
            signature: Self.signatureRecord(renderer.signing),
            counts: .init(
                divisions: prepared.codes.count, pupils: prepared.selected.count + prepared.readFailures.count, printed: 0,
                failed: prepared.readFailures.count, pages: 0, files: 0),
            divisions: [], pupils: [], files: [], failures: prepared.readFailures, unknownPaperOnly: prepared.unknown)
        summary.journal = journalSummary(results)
        if summary.journal != nil, let archive, let signing = renderer.signing,
           let uai = LyceeObject.uai(of: signing.signer.signer, fallback: prepared.selected.first?.etablissement.uai) {
            // The journal sealed into the lycée's object, with the certificate used and the signed head.
            let signer = signing.signer.signer
            do {
                let sealed = try LyceeObject.seal(
                    archive: archive, uai: uai, certificates: [signer.certificate] + signer.chain, signer: signer,
                    user: .current)
                summary.journal?.signedHead = sealed.signedHead?.description
                summary.journal?.sealed = "\(sealed.object) \(sealed.result.version)"
                if let head = sealed.head { summary.journal?.head = head.description }
            } catch {
                summary.failures.append(Failure(ine: nil, division: nil, source: "journal", reason: "the journal was not sealed into the archive: \(error)"))
            }
        }
        for result in results {
            summary.divisions.append(result.record)
            summary.pupils += result.pupils
            summary.files += result.files
            summary.failures += result.failures
            summary.counts.printed += result.pupils.count
            summary.counts.failed += result.failures.count
            summary.counts.pages += result.pupils.reduce(0) { $0 + $1.pages }
        }
        if let receipts {
            summary.receipts = receipts.records
            summary.files += receipts.files
            summary.failures += receipts.failures
        }
        summary.counts.files = summary.files.count
        if archive != nil {
            summary.counts.archivedNewVersions = summary.pupils.filter { $0.archiveNewVersion == true }.count
            summary.counts.archivedUnchanged = summary.pupils.filter { $0.archiveNewVersion == false }.count
        }
        summary.files.sort { $0.path < $1.path }
        do {
            try AtomicFile.write(CanonicalJSON.encode(summary), to: prepared.summaryURL)
        } catch {
            throw .io(error, path: prepared.summaryURL.path)
        }
        // An I/O failure (a full disk…) is not a pupil's fault: the run says so as an I/O error,
        // once the summary of what was written is beside the files.
        if let io = results.lazy.compactMap(\.ioError).first ?? receipts?.ioError { throw .io(io) }
        return summary
    }

    /// How the livrets were signed, for the summary.
    static func signatureRecord(_ signing: LivretSigning?) -> SignatureRecord? {
        guard let signing else { return nil }
        let certificate = CertificateSummary(signing.signer.signer.certificate)
        return SignatureRecord(time: signing.timestamp, certificateSubject: certificate.subject, certificateSHA256: certificate.sha256Fingerprint)
    }

    /// What the run recorded in the journal, and the head after it (nil: no journal, or unsigned).
    func journalSummary(_ results: [DivisionResult]) -> JournalSummary? {
        guard let journal, renderer.signing != nil else { return nil }
        var recorded = 0
        for result in results where !result.journalFailed { recorded += result.journalEntries.count }
        let head: String?
        do { head = try journal.journal.verify().head?.description } catch { head = nil }
        return JournalSummary(recorded: recorded, head: head)
    }

    /// Every division, in the order given. Divisions run as child tasks, their blocking work on
    /// the executor. With fewer divisions than half the executor's width (one class for the
    /// conseil), each division's pupils are drawn by two jobs at once (half the class list each);
    /// otherwise each of `width` lanes (one executor job each) takes the next division when it is
    /// done, keeping its cairo faces from class to class (glyph metrics loaded once per lane, and
    /// cairo does not keep the glyphs of a new set of faces for every class).
    private func printDivisions(
        _ divisions: [(String, [Entry])], on executor: BlockingExecutor, progress: @escaping @Sendable (PrintRunProgress) -> Void
    ) async -> [DivisionResult] {
        let run = self
        var results = [DivisionResult?](repeating: nil, count: divisions.count)
        if 2 * divisions.count <= executor.width {
            await withTaskGroup(of: (Int, DivisionResult).self) { group in
                for (index, (code, entries)) in divisions.enumerated() {
                    group.addTask { (index, await run.printDivisionInTwoStreams(code, entries, on: executor, progress: progress)) }
                }
                for await (index, result) in group { results[index] = result }
            }
        } else {
            let next = DivisionCounter()
            await withTaskGroup(of: [(Int, DivisionResult)].self) { group in
                for _ in 0..<min(executor.width, divisions.count) {
                    group.addTask {
                        await executor.run { () -> [(Int, DivisionResult)] in
                            let fonts = Result { () throws(PDFError) -> PDFFonts in try PDFFonts(files: run.renderer.defaultEngine.fonts.files) }
                            var done: [(Int, DivisionResult)] = []
                            while true {
                                let index = next.take()
                                guard index < divisions.count else { break }
                                let (code, entries) = divisions[index]
                                done.append((index, run.printDivisionInOneStream(code, entries, fonts: fonts, progress: progress)))
                            }
                            return done
                        }
                    }
                }
                for await done in group {
                    for (index, result) in done { results[index] = result }
                }
            }
        }
        return results.map { $0! }
    }

    /// Hands out division indices to the lanes, each once.
    private final class DivisionCounter: Sendable {
        private let value = Atomic<Int>(0)
        func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
    }

    /// What one division printed (and what failed).
    struct DivisionResult: Sendable {
        var record: DivisionRecord
        var pupils: [PupilRecord] = []
        var files: [FileRecord] = []
        var failures: [Failure] = []
        var rows: [EmargementSheet.Row] = []
        /// The first I/O error met (a full disk, a folder that went away): the run reports it
        /// as an I/O failure, not as input refused.
        var ioError: IOError?
        /// The journal entries of the signed livrets issued, recorded before the sheet is drawn.
        var journalEntries: [JournalEntry] = []
        /// Whether the journal refused them.
        var journalFailed = false

        init(code: String) {
            record = DivisionRecord(code: code, printed: 0, failed: 0, pages: 0)
        }

        /// Adds what `other` printed after what this one did (the next pupils of the class list).
        mutating func append(_ other: DivisionResult) {
            pupils += other.pupils
            files += other.files
            failures += other.failures
            rows += other.rows
            if ioError == nil { ioError = other.ioError }
            journalEntries += other.journalEntries
            journalFailed = journalFailed || other.journalFailed
        }

        /// Counts filled in from the lists; a failure of the class files as a whole recorded.
        mutating func close(_ error: PipelineError?) {
            if let error {
                failures.append(Failure(ine: nil, division: record.code, source: "division \(record.code)", reason: "the class files could not be made: \(error)"))
                if case .io(let io) = error, ioError == nil { ioError = io }
            }
            record.printed = pupils.count
            record.failed = failures.count
            record.pages = pupils.reduce(0) { $0 + $1.pages }
        }
    }

    /// What the class PDF holds: the pupils drawn (in order) and its page count.
    struct ClassOutcome: Sendable {
        var drawn: [String] = []
        var pages = 0
    }

    /// The places of one division's files.
    struct DivisionFiles: Sendable {
        var code: String
        var fileCode: String
        var pupilDirectory: URL
        var classURL: URL
        var classTemporary: URL
        var classMetadata: PDFMetadata
        /// The class's first pupil: the établissement and year of the class files.
        var first: Entry?
    }

    private func prepare(_ code: String, _ entries: [Entry]) throws(PipelineError) -> DivisionFiles {
        let fileCode = OutputNames.fileName(code)
        let pupilDirectory = options.output.appendingPathComponent(fileCode)
        do throws(IOError) {
            try FileIO.createFolders(pupilDirectory.path)
        } catch {
            throw .io(error)
        }
        AtomicFile.removeStaleTemporaries(in: pupilDirectory)
        let classURL = options.output.appendingPathComponent("\(fileCode).pdf")
        let first = entries.first
        let metadata = PDFMetadata(
            title: "Livret scolaire du lycée — classe \(code)\(first.map { " — " + ($0.annees.last ?? "") } ?? "")",
            author: first?.etablissement.nom ?? "",
            subject: "Livrets de la division \(code)",
            creator: renderer.producer,
            creationDate: "\(entries.map(\.dateDocument).max() ?? options.date)T00:00:00Z")
        return DivisionFiles(
            code: code, fileCode: fileCode, pupilDirectory: pupilDirectory, classURL: classURL,
            classTemporary: AtomicFile.temporarySibling(of: classURL), classMetadata: metadata, first: first)
    }

    /// A new empty temporary file for the class PDF, open for writing.
    private static func createTemporary(_ url: URL) throws(PipelineError) -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw .io(IOError.current(.create, path: url.path))
        }
        do {
            return try FileHandle(forWritingTo: url)
        } catch {
            throw .io(error, path: url.path, operation: .create)
        }
    }

    /// One division in one stream: each livret laid out and drawn once, into the pupil's file;
    /// its pages are copied from those bytes into the class PDF (`PDFPageAssembler`) as they are
    /// made. Never throws: what fails is recorded in the result.
    func printDivisionInOneStream(
        _ code: String, _ entries: [Entry], fonts: Result<PDFFonts, PDFError>, progress: @Sendable (PrintRunProgress) -> Void
    ) -> DivisionResult {
        var result = DivisionResult(code: code)
        do throws(PipelineError) {
            let files = try prepare(code, entries)
            let pdfFonts: PDFFonts
            do { pdfFonts = try fonts.get() } catch { throw .pdf(error) }
            let handle = try Self.createTemporary(files.classTemporary)
            defer {
                try? handle.close()
                unlink(files.classTemporary.path)  // a no-op once published: never leave a partial class PDF
            }
            let assembler = PDFPageAssembler(metadata: files.classMetadata, output: handle)
            var blanks = BlankPages()
            var outcome = ClassOutcome()
            var classError: PipelineError?
            printPupils(files, entries, fonts: pdfFonts, into: &result, progress: progress) { entry, pdf, engine, typesetter in
                guard classError == nil else { return }
                do throws(PipelineError) {
                    try append(pdf, of: entry, engine: engine, typesetter: typesetter, fonts: pdfFonts, blanks: &blanks, to: assembler, outcome: &outcome)
                } catch {
                    classError = error
                }
            }
            if let classError { throw classError }
            if outcome.pages > 0 {
                do { try assembler.finish() } catch { throw .pdf(error) }
            }
            let head = record(&result, uai: files.first?.etablissement.uai)
            try publish(files, handle: handle, outcome: outcome, sheet: sheetPDF(files, rows: result.rows, fonts: pdfFonts, journal: head), into: &result)
        } catch {
            result.close(error)
            return result
        }
        result.close(nil)
        return result
    }

    /// One division on two executor jobs at once (a division printed alone): each job lays out,
    /// draws and writes the pupils' files of one half of the class list (with its own
    /// typesetters and cairo faces) and keeps their unsigned bytes; then the class PDF is
    /// assembled from those bytes, in class order, and the hand-over sheet drawn.
    func printDivisionInTwoStreams(
        _ code: String, _ entries: [Entry], on executor: BlockingExecutor, progress: @escaping @Sendable (PrintRunProgress) -> Void
    ) async -> DivisionResult {
        var result = DivisionResult(code: code)
        let files: DivisionFiles
        do {
            files = try prepare(code, entries)
        } catch {
            result.close(error)
            return result
        }
        let run = self
        let middle = (entries.count + 1) / 2
        @Sendable func half(_ part: ArraySlice<Entry>) -> (DivisionResult, [(Data, LivretLayoutEngine)], PDFError?) {
            var pupils = DivisionResult(code: code)
            let fonts: PDFFonts
            do throws(PDFError) {
                fonts = try PDFFonts(files: run.renderer.defaultEngine.fonts.files)
            } catch {
                return (pupils, [], error)
            }
            var pdfs: [(Data, LivretLayoutEngine)] = []
            run.printPupils(files, Array(part), fonts: fonts, into: &pupils, progress: progress) { _, pdf, engine, _ in pdfs.append((pdf, engine)) }
            return (pupils, pdfs, nil)
        }
        async let second = executor.run { half(entries[middle...]) }
        let first = await executor.run { half(entries[..<middle]) }
        let secondDone = await second
        result.append(first.0)
        result.append(secondDone.0)
        let pdfs = first.1 + secondDone.1
        if let error = first.2 ?? secondDone.2 {
            result.close(.pdf(error))
            return result
        }
        let pupils = result
        let done = await executor.run { () -> DivisionResult in
            var result = pupils
            do throws(PipelineError) {
                let fonts: PDFFonts
                do throws(PDFError) { fonts = try PDFFonts(files: run.renderer.defaultEngine.fonts.files) } catch { throw .pdf(error) }
                let handle = try Self.createTemporary(files.classTemporary)
                defer {
                    try? handle.close()
                    unlink(files.classTemporary.path)
                }
                let assembler = PDFPageAssembler(metadata: files.classMetadata, output: handle)
                var blanks = BlankPages()
                var typesetters = Typesetters()
                var outcome = ClassOutcome()
                let byINE = Dictionary(uniqueKeysWithValues: entries.map { ($0.ine, $0) })
                for (record, (pdf, engine)) in zip(result.pupils, pdfs) {
                    let entry = byINE[record.ine]!
                    try run.append(pdf, of: entry, engine: engine, typesetter: typesetters.for(engine), fonts: fonts, blanks: &blanks, to: assembler, outcome: &outcome)
                }
                if outcome.pages > 0 {
                    do throws(PDFError) { try assembler.finish() } catch { throw .pdf(error) }
                }
                let head = run.record(&result, uai: files.first?.etablissement.uai)
                try run.publish(files, handle: handle, outcome: outcome, sheet: run.sheetPDF(files, rows: result.rows, fonts: fonts, journal: head), into: &result)
            } catch {
                result.close(error)
                return result
            }
            result.close(nil)
            return result
        }
        return done
    }

    /// The class PDF complete in its temporary file: checked against the pupils printed,
    /// published under its name, then the hand-over sheet.
    private func publish(
        _ files: DivisionFiles, handle: FileHandle?, outcome: ClassOutcome, sheet: Result<SheetPDF, PipelineError>,
        into result: inout DivisionResult
    ) throws(PipelineError) {
        // Both streams lay out the same documents the same way; should they ever disagree (an I/O
        // error on one side), the class PDF is not published rather than differ from the files.
        guard outcome.drawn == result.pupils.map(\.ine) else {
            throw .refused("the class PDF and the pupils' files disagree on who was printed")
        }
        guard outcome.pages > 0 else { return }
        let data: Data
        do {
            if let handle {
                try handle.synchronize()
                try handle.close()
            } else {
                let handle = try FileHandle(forWritingTo: files.classTemporary)
                try handle.synchronize()
                try handle.close()
            }
            data = try Data(contentsOf: files.classTemporary, options: .alwaysMapped)
        } catch {
            throw .io(error, path: files.classTemporary.path)
        }
        result.files.append(FileRecord(path: "\(files.fileCode).pdf", sha256: Digests.sha256(data), bytes: data.count, pages: outcome.pages))
        guard rename(files.classTemporary.path, files.classURL.path) == 0 else {
            throw .io(IOError.current(.rename, path: files.classTemporary.path, destination: files.classURL.path))
        }
        do throws(IOError) { try AtomicFile.syncFolder(containing: files.classURL.path) } catch { throw .io(error) }
        result.record.classFile = "\(files.fileCode).pdf"

        let sheetPDF = try sheet.get()
        let sheetName = "\(files.fileCode)-emargement.pdf"
        let sheetURL = options.output.appendingPathComponent(sheetName)
        do { try AtomicFile.write(sheetPDF.data, to: sheetURL) } catch { throw .io(error, path: sheetURL.path) }
        result.files.append(FileRecord(path: sheetName, sha256: Digests.sha256(sheetPDF.data), bytes: sheetPDF.data.count, pages: sheetPDF.pages))
        result.record.emargementFile = sheetName
    }

    /// The journal's head as a hand-over sheet prints it.
    struct JournalMark: Sendable {
        /// `seq:16 hex`.
        var short: String
        /// The head signed with the lycée's key (``SignedJournalHead``), when it could be signed.
        var signed: String?
    }

    /// Records the division's signed livrets in the journal; returns the head to print on the
    /// hand-over sheet (`seq:16 hex`, and signed with the lycée's key for the lycée `uai`), or nil
    /// (no journal, nothing signed, or the journal refused: then a failure of the division, the
    /// livrets being issued but not recorded).
    func record(_ result: inout DivisionResult, uai: String?) -> JournalMark? {
        guard let journal, !result.journalEntries.isEmpty else { return nil }
        do {
            guard let head = try journal.append(result.journalEntries) else { return nil }
            var signed: String?
            if let signing = renderer.signing, let uai = LyceeObject.uai(of: signing.signer.signer, fallback: uai) {
                signed = (try? SignedJournalHead.sign(uai: uai, seq: head.seq, sha256: head.sha256, time: Date(), signer: signing.signer.signer))?.description
            }
            result.record.signedJournalHead = signed
            return JournalMark(short: head.short, signed: signed)
        } catch {
            result.journalFailed = true
            result.failures.append(Failure(
                ine: nil, division: result.record.code, source: "division \(result.record.code)",
                reason: "\(result.journalEntries.count) livret(s) issued but not recorded in the journal \(journal.journal.url.path): \(error)"))
            return nil
        }
    }

    /// A hand-over sheet's bytes and page count.
    struct SheetPDF: Sendable {
        var data: Data
        var pages: Int
    }

    /// The hand-over sheet of the pupils printed (`rows`), drawn with `fonts`.
    private func sheetPDF(_ files: DivisionFiles, rows: [EmargementSheet.Row], fonts: PDFFonts, journal: JournalMark?) -> Result<SheetPDF, PipelineError> {
        guard let first = files.first else { return .failure(.refused("division \(files.code): no pupil")) }
        let etab = first.etablissement
        let header = EmargementSheet.Header(
            etablissement: etab.nom, uai: etab.uai, division: files.code, anneeScolaire: first.annees.last ?? "", date: options.date,
            journal: journal?.short, signedJournal: journal?.signed)
        let sheetPages: [Page]
        do { sheetPages = try sheet.layout(header: header, rows: rows) } catch { return .failure(.layout(error)) }
        do {
            let data = try PDFWriter.render(sheetPages, fonts: fonts, metadata: PDFMetadata(
                title: "Feuille d'émargement — classe \(files.code)", author: etab.nom, creator: renderer.producer,
                creationDate: "\(options.date)T00:00:00Z"))
            return .success(SheetPDF(data: data, pages: sheetPages.count))
        } catch {
            return .failure(.pdf(error))
        }
    }

    /// One livret into the class PDF: the pages of its unsigned bytes, and a blank page after an
    /// odd one (duplex).
    private func append(
        _ pdf: Data, of entry: Entry, engine: LivretLayoutEngine, typesetter: Typesetter, fonts: PDFFonts, blanks: inout BlankPages,
        to assembler: PDFPageAssembler, outcome: inout ClassOutcome
    ) throws(PipelineError) {
        do {
            let source = try PDFPageAssembler.Source([UInt8](pdf))
            try assembler.append(source, shared: false)
            outcome.pages += source.pageCount
            if source.pageCount % 2 == 1 && !options.simplex {
                try assembler.append(blanks.page(engine: engine, typesetter: typesetter, fonts: fonts, producer: renderer.producer), shared: true)
                outcome.pages += 1
            }
        } catch {
            throw .pdf(error)
        }
        outcome.drawn.append(entry.ine)
    }

    /// The blank page of each layout (duplex), drawn once per class and copied wherever needed.
    struct BlankPages {
        private var drawn: [Page: PDFPageAssembler.Source] = [:]

        mutating func page(engine: LivretLayoutEngine, typesetter: Typesetter, fonts: PDFFonts, producer: String) throws(PDFError) -> PDFPageAssembler.Source {
            let page = engine.blankPage(typesetter: typesetter)
            if let source = drawn[page] { return source }
            let pdf = try PDFWriter.render(
                [page], fonts: fonts,
                metadata: PDFMetadata(title: "", author: "", creator: producer, creationDate: "2000-01-01T00:00:00Z"), archival: .none)
            let source = try PDFPageAssembler.Source([UInt8](pdf))
            drawn[page] = source
            return source
        }
    }

    /// A typesetter per layout for one class: its caches hold what repeats within a class
    /// (labels, competencies) and go with it, so memory does not grow with the number of pupils.
    struct Typesetters {
        private var byLayout: [ObjectIdentifier: Typesetter] = [:]

        mutating func `for`(_ engine: LivretLayoutEngine) -> Typesetter {
            let key = ObjectIdentifier(engine.fonts)
            if let typesetter = byLayout[key] { return typesetter }
            let typesetter = Typesetter(fonts: engine.fonts)
            byLayout[key] = typesetter
            return typesetter
        }
    }

    /// The pupil stream: each pupil's PDF (the bytes of `LivretRenderer.pdf`), written and, with
    /// an archive, archived; `alongside` is given each livret's unsigned bytes (the first revision
    /// of its file), its engine and typesetter, for the class PDF.
    private func printPupils(
        _ files: DivisionFiles, _ entries: [Entry], fonts pdfFonts: PDFFonts, into result: inout DivisionResult,
        progress: @Sendable (PrintRunProgress) -> Void,
        alongside: ((Entry, Data, LivretLayoutEngine, Typesetter) -> Void)?
    ) {
        let code = files.code
        var typesetters = Typesetters()
        for entry in entries {
            let source = entry.file.lastPathComponent
            let name = "\(OutputNames.fileName(entry.ine)).pdf"
            let url = files.pupilDirectory.appendingPathComponent(name)
            do throws(PipelineError) {
                let document = try Dataset.document(at: entry.file)
                let engine = try renderer.engine(for: document, source: source)
                let typesetter = typesetters.for(engine)
                let pages: [Page]
                do { pages = try engine.layout(document, typesetter: typesetter) } catch { throw .layout(error) }
                let unsigned = try renderer.unsignedPDF(pages: pages, of: document, fonts: pdfFonts)
                let pdf = try renderer.finish(unsigned, document: document)
                let digest = Digests.sha256(pdf)
                do { try AtomicFile.write(pdf, to: url) } catch { throw .io(error, path: url.path) }
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
                alongside?(entry, unsigned, engine, typesetter)
                if let journal, let signing = renderer.signing {
                    result.journalEntries.append(JournalEntry(
                        time: signing.date, actor: journal.actor, action: "print-run", ine: document.eleve.ine,
                        object: archived == nil ? nil : Archive.objectID(ine: document.eleve.ine), version: archived?.version, sha256: digest))
                }
                let relative = "\(files.fileCode)/\(name)"
                result.pupils.append(PupilRecord(
                    ine: entry.ine, division: code, file: relative, pages: pages.count, sha256: digest,
                    archiveVersion: archived?.version, archiveNewVersion: archived.map { if case .created = $0 { true } else { false } }))
                result.files.append(FileRecord(path: relative, sha256: digest, bytes: pdf.count, pages: pages.count))
                result.rows.append(EmargementSheet.Row(nom: entry.nom, prenoms: entry.prenoms, ine: entry.ine, pages: pages.count, sha256: digest))
                progress(.pupil(pages: pages.count))
            } catch {
                result.failures.append(Failure(ine: entry.ine, division: code, source: source, reason: error.description))
                if case .io(let io) = error, result.ioError == nil { result.ioError = io }
                // A file from an earlier run must not pass for this one's.
                unlink(url.path)
                progress(.pupil(pages: 0))
            }
        }
    }
}

/// The journal a print run records its signed livrets in, and who issues them. Divisions printed
/// at once append through one lock, so their entries are never interleaved within a division.
public final class JournalRecorder: Sendable {
    /// The journal (in the archive home).
    public let journal: Journal
    /// Who issues the livrets (a user name, `Name <address>`).
    public let actor: String
    private let lock = Mutex(())

    /// - Parameters:
    ///   - journal: the journal to append to.
    ///   - actor: who issues the livrets.
    public init(journal: Journal, actor: String) {
        self.journal = journal
        self.actor = actor
    }

    /// Appends `entries`; returns the new head.
    func append(_ entries: [JournalEntry]) throws -> Journal.Head? {
        try lock.withLock { _ in try journal.append(contentsOf: entries) }
    }
}
