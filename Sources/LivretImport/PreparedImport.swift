import Foundation
import LivretModel

/// An import that passed every check: its documents (not yet encoded) and its report.
///
/// `encode(_:)` turns the documents into their canonical JSON a batch at a time (the batch on every
/// core) and hands each file over as soon as it is made, letting go of the document: a caller that
/// writes each file at once never holds the JSON of the whole lycée.
public final class PreparedImport: @unchecked Sendable {
    // @unchecked: `documents` is only mutated inside `encode`, which callers run once, on one thread
    // (documented); everything else is immutable.
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
        final class Slots: @unchecked Sendable {
            // Each index is written by exactly one iteration of concurrentPerform, and read only after
            // it returns: no two threads touch the same element.
            var files: [LivretDocumentFile?]
            init(count: Int) { files = Array(repeating: nil, count: count) }
        }
        let batch = 256
        let chunk = 16
        for start in stride(from: 0, to: documents.count, by: batch) {
            let end = min(documents.count, start + batch)
            let slots = Slots(count: end - start)
            documents.withUnsafeBufferPointer { documents in
                nonisolated(unsafe) let documents = documents
                slots.files.withUnsafeMutableBufferPointer { buffer in
                    nonisolated(unsafe) let buffer = buffer
                    DispatchQueue.concurrentPerform(iterations: (end - start + chunk - 1) / chunk) { c in
                        for index in (start + c * chunk)..<min(end, start + (c + 1) * chunk) {
                            guard let document = documents[index] else { continue }
                            buffer[index - start] = LivretDocumentFile(fileName: DocumentBuilder.fileName(document), data: document.encoded())
                        }
                    }
                }
            }
            for index in start..<end { documents[index] = nil }
            for file in slots.files { if let file { try body(file) } }
        }
        documents = []
    }
}
