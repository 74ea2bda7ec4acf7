import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPDF

/// The hand-over receipts of a print run, made once every division is printed and archived: per
/// pupil printed, `CODE/<INE>-recepisse.pdf` (PDF/A-2b, signed with the lycée's key when there is
/// one) naming the archived livret version; per division, `CODE-recepisses.pdf`, the same pages
/// gathered for printing (not signed, like the class PDFs); each receipt journaled (`receipt`:
/// INE, object, livret version, SHA-256 of the receipt PDF) when the run has a journal.
public struct PrintRunReceipts: Sendable {
    /// One receipt written, as listed in `print-run.json`.
    public struct Record: Codable, Sendable, Hashable {
        /// The pupil's INE.
        public var ine: String
        /// The division code.
        public var division: String
        /// The receipt's PDF, relative to the output folder.
        public var file: String
        /// SHA-256 of the receipt's PDF, hex.
        public var sha256: String
        /// The archived livret version it names.
        public var livretVersion: String
        /// SHA-256 of that livret PDF.
        public var livretSHA256: String
        /// The verification string (`LSL1:…`) its QR code carries (or that its address carries).
        public var code: String
    }

    /// What the receipts of a run wrote.
    public struct Batch: Sendable {
        /// One per receipt, division by division in class order.
        public var records: [Record] = []
        /// The files written (receipts and the class files of receipts).
        public var files: [PrintRun.FileRecord] = []
        /// Pupils without a receipt, and why.
        public var failures: [PrintRun.Failure] = []
        /// The first I/O error met.
        var ioError: IOError?
    }

    /// Makes the pages and PDFs.
    public let maker: ReceiptMaker
    /// The archive the livrets were put in (receipts name its versions).
    public let archive: Archive

    /// - Parameters: see the properties.
    public init(maker: ReceiptMaker, archive: Archive) {
        self.maker = maker
        self.archive = archive
    }

    /// The file name of a pupil's receipt in the division's folder.
    public static func fileName(ine: String) -> String { "\(OutputNames.fileName(ine))-recepisse.pdf" }

    /// The receipts of the `pupils` printed (in class order), into `output`.
    func write(_ pupils: [PrintRun.PupilRecord], output: URL, journal: JournalRecorder?) -> Batch {
        var batch = Batch()
        let head: String?
        do { head = try journal?.journal.verify().head?.short } catch { head = nil }
        let fonts: PDFFonts
        do { fonts = try PDFFonts(files: maker.sheet.fonts.files) } catch {
            batch.failures.append(.init(ine: nil, division: nil, source: "receipts", reason: "\(error)"))
            return batch
        }
        var entries: [JournalEntry] = []
        var divisions: [(String, [PrintRun.PupilRecord])] = []
        for pupil in pupils {
            if divisions.last?.0 == pupil.division { divisions[divisions.count - 1].1.append(pupil) } else { divisions.append((pupil.division, [pupil])) }
        }
        for (code, members) in divisions {
            let fileCode = OutputNames.fileName(code)
            var pages: [Page] = []
            var etablissement = ""
            for pupil in members {
                let name = Self.fileName(ine: pupil.ine)
                let relative = "\(fileCode)/\(name)"
                let url = output.appendingPathComponent(relative)
                do throws(PipelineError) {
                    guard pupil.archiveVersion != nil else {
                        throw .refused("the livret was not archived: a receipt names an archived version")
                    }
                    let livret = try ArchivedLivret.latest(in: archive, ine: pupil.ine)
                    guard livret.sha256 == pupil.sha256 else {
                        throw .refused("the archive's latest livret (\(livret.object) \(livret.version)) is not the one printed")
                    }
                    let content = try maker.content(livret, division: code, journal: head)
                    let page = try maker.page(content)
                    let pdf = try maker.pdf(content, fonts: fonts)
                    do { try AtomicFile.write(pdf, to: url) } catch { throw .io(error, path: url.path) }
                    let digest = Digests.sha256(pdf)
                    pages.append(page)
                    etablissement = content.etablissement
                    batch.records.append(Record(
                        ine: pupil.ine, division: code, file: relative, sha256: digest, livretVersion: livret.version,
                        livretSHA256: livret.sha256, code: content.code.description))
                    batch.files.append(.init(path: relative, sha256: digest, bytes: pdf.count, pages: 1))
                    if let journal { entries.append(maker.journalEntry(content, receiptSHA256: digest, actor: journal.actor)) }
                } catch {
                    unlink(url.path)  // an earlier run's receipt must not pass for this one's
                    if case .io(let io) = error, batch.ioError == nil { batch.ioError = io }
                    batch.failures.append(.init(ine: pupil.ine, division: code, source: relative, reason: "no receipt: \(error)"))
                }
            }
            guard !pages.isEmpty else { continue }
            let className = "\(fileCode)-recepisses.pdf"
            let classURL = output.appendingPathComponent(className)
            do {
                let data = try PDFWriter.render(pages, fonts: fonts, metadata: PDFMetadata(
                    title: "Récépissés de remise — classe \(code)", author: etablissement, creator: maker.producer,
                    creationDate: "\(maker.date)T00:00:00Z"))
                do { try AtomicFile.write(data, to: classURL) } catch { throw PipelineError.io(error, path: classURL.path) }
                batch.files.append(.init(path: className, sha256: Digests.sha256(data), bytes: data.count, pages: pages.count))
            } catch {
                if let error = error as? PipelineError, case .io(let io) = error, batch.ioError == nil { batch.ioError = io }
                batch.failures.append(.init(ine: nil, division: code, source: className, reason: "\(error)"))
            }
        }
        if let journal, !entries.isEmpty {
            do { _ = try journal.append(entries) } catch {
                batch.failures.append(.init(
                    ine: nil, division: nil, source: "receipts",
                    reason: "\(entries.count) receipt(s) issued but not recorded in the journal \(journal.journal.url.path): \(error)"))
            }
        }
        return batch
    }
}
