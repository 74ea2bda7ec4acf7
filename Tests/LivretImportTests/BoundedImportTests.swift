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

    @Test("the LSL file read from disk a chunk at a time gives the bytes and the messages (line and column) of the file held in memory")
    func fileEqualsMemory() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "2033", "--divisions", "3", "--pupils", "25"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let lslURL = lycee.appendingPathComponent("import-lsl.xml")
        func inputs(byPath path: URL?, data: Data) throws -> ImportInputs {
            var inputs = try ImportFixtures.inputs(lycee, evaluations: data)
            if let path { inputs.evaluations = .init(name: "import-lsl.xml", path: path.path) }
            return inputs
        }
        let original = try Data(contentsOf: lslURL)
        let fromMemory = Self.files(try Importer.prepare(try inputs(byPath: nil, data: original)))
        let fromFile = Self.files(try Importer.prepare(try inputs(byPath: lslURL, data: original)))
        #expect(fromFile.count == 75)
        #expect(fromFile.map(\.fileName) == fromMemory.map(\.fileName))
        #expect(fromFile.map(\.data) == fromMemory.map(\.data))

        // Errors deep in the file (past the first 1,024-line block of the index), with their columns.
        var text = String(decoding: original, as: UTF8.self)
        let marks = text.ranges(of: try Regex(#"numero="3" moyenne="[0-9.]+""#))
        #expect(marks.count > 100)
        for range in [marks[marks.count - 1], marks[marks.count / 2]] {
            text.replaceSubrange(range, with: #"numero="3" moyenne="21.00""#)
        }
        let defective = lycee.appendingPathComponent("defective.xml")
        try Data(text.utf8).write(to: defective)
        func messages(_ inputs: ImportInputs) -> [String] {
            do { _ = try Importer.prepare(inputs); return [] } catch { return error.errors.map(\.description) }
        }
        let memoryMessages = messages(try inputs(byPath: nil, data: Data(text.utf8)))
        let fileMessages = messages(try inputs(byPath: defective, data: Data(text.utf8)))
        #expect(memoryMessages.count == 2 && memoryMessages.allSatisfy { $0.contains("mark outside 0–20") }, "\(memoryMessages)")
        #expect(fileMessages == memoryMessages)
        let line = try #require(memoryMessages.first?.firstMatch(of: #/^import-lsl\.xml:([0-9]+):([0-9]+): /#))
        #expect(Int(line.output.1)! > 2_000 && Int(line.output.2)! > 1, "\(memoryMessages)")

        // A file that cannot be read any more: an error of the import, nothing else.
        let gone = lycee.appendingPathComponent("gone.xml")
        let goneMessages = messages(try inputs(byPath: gone, data: original))
        #expect(goneMessages.count == 1 && goneMessages[0].hasPrefix("import-lsl.xml: ") && goneMessages[0].contains("cannot be read"), "\(goneMessages)")
    }
}
