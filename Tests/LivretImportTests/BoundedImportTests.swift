import Foundation
@testable import LivretImport
import LivretModel
import LivretTestSupport
import Testing

/// The documents are built as the LSL file streams (each pupil's LSL values let go at once); when
/// the school year or the date must come from the LSL file itself, the pupils wait for the end of the
/// file instead. Both ways must give the same bytes, and the same errors and warnings in the same order.
@Suite("Bounded import")
struct BoundedImportTests {
    static func both(_ inputs: ImportInputs) -> (streamed: Result<PreparedImport, ImportFailure>, held: Result<PreparedImport, ImportFailure>) {
        func attempt(_ holding: Bool) -> Result<PreparedImport, ImportFailure> {
            do { return .success(try Importer.prepare(inputs, holdingPupils: holding)) } catch { return .failure(error) }
        }
        return (attempt(false), attempt(true))
    }

    static func files(_ prepared: PreparedImport) -> [LivretDocumentFile] {
        var files: [LivretDocumentFile] = []
        prepared.encode { files.append($0) }
        return files
    }

    @Test("built as the file streams or after the whole file: the same documents, byte for byte, and the same report")
    func streamedEqualsHeld() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "2031", "--divisions", "4", "--pupils", "18"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let (streamed, held) = Self.both(try ImportFixtures.inputs(lycee))
        let a = try streamed.get(), b = try held.get()
        #expect(a.report.encoded() == b.report.encoded())
        #expect(!a.report.warnings.isEmpty || a.report.counts.groupBlocksChecked > 0)
        let filesA = Self.files(a), filesB = Self.files(b)
        #expect(filesA.count == 72)
        #expect(filesA.map(\.fileName) == filesB.map(\.fileName))
        #expect(filesA.map(\.data) == filesB.map(\.data))
        // Every document is a valid document, with its group blocks (imported or computed).
        for file in filesA {
            let document = try LivretDocument.decode(file.data, source: file.fileName)
            #expect(document.scolarites.allSatisfy { $0.evaluations.allSatisfy { $0.groupe != nil } }, "\(file.fileName)")
        }
    }

    @Test("errors of the readers, of the pairing and of the documents: the same list, in the same order, either way")
    func sameErrorsEitherWay() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "2032", "--divisions", "2", "--pupils", "10"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        var text = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        // A pupil twice (the copy at the end), a pupil unknown to SIECLE, a mark out of range.
        let first = try #require(text.range(of: #"<eleve id="[^"]*">(.|\n)*?</eleve>"#, options: .regularExpression))
        let copy = String(text[first])
        let end = try #require(text.range(of: "</donnees>"))
        text.replaceSubrange(end, with: copy + "\n  </donnees>")
        let ids = text.matches(of: #/<eleve id="([^"]*)">/#).map { String($0.output.1) }
        let unknown = try #require(ids.dropFirst(3).first)
        text = text.replacingOccurrences(of: "<eleve id=\"\(unknown)\">", with: "<eleve id=\"999999\">")
        let mark = try #require(text.range(of: #"numero="2" moyenne="[0-9.]+""#, options: .regularExpression, range: text.index(text.startIndex, offsetBy: text.count / 2)..<text.endIndex))
        text.replaceSubrange(mark, with: #"numero="2" moyenne="20.50""#)
        let (streamed, held) = Self.both(try ImportFixtures.inputs(lycee, evaluations: Data(text.utf8)))
        guard case .failure(let a) = streamed, case .failure(let b) = held else {
            Issue.record("a defective import was accepted")
            return
        }
        #expect(a.errors.map(\.description) == b.errors.map(\.description))
        #expect(a.warnings.map(\.description) == b.warnings.map(\.description))
        let messages = a.errors.map(\.description)
        // The reader's check first, then the pairing, as a whole-file read gives them.
        let outside = try #require(messages.firstIndex { $0.contains("mark outside 0–20") }, "\(messages)")
        let twice = try #require(messages.firstIndex { $0.contains("appears twice") }, "\(messages)")
        let notInSiecle = try #require(messages.firstIndex { $0.contains("pupil 999999 is not in the SIECLE export") }, "\(messages)")
        #expect(outside < notInSiecle && notInSiecle < twice, "\(messages)")
        #expect(messages.allSatisfy { $0.hasPrefix("import-lsl.xml:") }, "\(messages)")
        #expect(a.warnings.contains { $0.description.contains("pupil has no evaluations in import-lsl.xml") })
    }
}
