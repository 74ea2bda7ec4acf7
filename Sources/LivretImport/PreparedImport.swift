import Foundation
import LivretModel

/// An import that passed every check: its documents (not yet encoded) and its report.
///
/// `encode(_:)` turns the documents into their canonical JSON a batch at a time (the batch on every
/// core) and hands each file over as soon as it is made, letting go of the document: a caller that
/// writes each file at once never holds the JSON of the whole lycée.
public final class PreparedImport {
    private var documents: [LivretDocument?]
    /// The report of the import (`import-report.json`); `report.documents` names every file `encode` gives.
    public let report: ImportReport

    init(documents: [LivretDocument], report: ImportReport) {
        self.documents = documents
        self.report = report
    }

    /// How many documents `encode` gives.
    public var count: Int { report.documents.count }

    /// Hands every document to `body`, in INE order, as `<INE>.json` and its canonical bytes; each
    /// document is released once encoded. Call it once: the documents are gone afterwards. Stops at
    /// the first error `body` throws.
    public func encode(_ body: (LivretDocumentFile) throws -> Void) rethrows {
        // Small batches: a batch of encoded documents is held at once (about 40 KB each).
        let batch = 16 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        let width = ProcessInfo.processInfo.activeProcessorCount
        for start in stride(from: 0, to: documents.count, by: batch) {
            let end = min(documents.count, start + batch)
            let files = Parallel.map(Array(documents[start..<end]), width: width) { document in
                document.map { LivretDocumentFile(fileName: DocumentBuilder.fileName($0), data: $0.encoded()) }
            }
            for index in start..<end { documents[index] = nil }
            for file in files { if let file { try body(file) } }
        }
        documents = []
    }
}
