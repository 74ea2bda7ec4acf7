import Foundation
@testable import LivretImport
import LivretModel
import LivretTestSupport
import Testing

/// The defects an independent review found in the import, each pinned by a test.
@Suite("Import review fixes")
struct ReviewFixTests {
    // MARK: 1. A single-byte declaration over UTF-8 bytes

    @Test("a SIECLE export re-saved as UTF-8 that still declares ISO-8859-15 is refused at its first multi-byte sequence")
    func utf8UnderLatinDeclaration() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "81", "--divisions", "1", "--pupils", "6"])
        let latin = try Data(contentsOf: lycee.appendingPathComponent("ElevesSansAdresses.xml"))
        var text = String(data: latin, encoding: .isoLatin1)!
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="ISO-8859-15"?>"#))
        // Make sure there is an accent, then "re-save as UTF-8".
        let name = try #require(text.range(of: "<PRENOM>"))
        text.insert(contentsOf: "Françoise ", at: name.upperBound)
        let resaved = lycee.appendingPathComponent("ElevesUTF8.xml")
        try Data(text.utf8).write(to: resaved)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineIndex = try #require(lines.firstIndex { $0.unicodeScalars.contains { $0.value >= 0x80 } })
        let line = lines[lineIndex]
        let byteColumn = Array(line.utf8).firstIndex { $0 >= 0x80 }! + 1

        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset, eleves: resaved)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("ElevesUTF8.xml:\(lineIndex + 1):\(byteColumn): declared ISO-8859-15 but the bytes are UTF-8"), "\(result.stderr)")
        #expect(!result.stderr.contains("Ã"))
        #expect(!FileManager.default.fileExists(atPath: dataset.path))

        // The library says the same; the genuine Latin-9 file and a declared UTF-8 file still import.
        #expect(throws: ImportFailure.self) { try SiecleReader.read(Data(text.utf8), fileName: "x.xml") }
        _ = try SiecleReader.read(latin, fileName: "x.xml")
        let declaredUTF8 = text.replacingOccurrences(of: #"encoding="ISO-8859-15""#, with: #"encoding="UTF-8""#)
        let export = try SiecleReader.read(Data(declaredUTF8.utf8), fileName: "x.xml")
        #expect(export.eleves.contains { $0.prenoms.contains { $0.hasPrefix("Françoise") } })
    }

    @Test("the encoding of the XML declaration is read with either quote; single-byte names are recognised")
    func declaredEncoding() {
        #expect(XMLFileProbe.declared(#"<?xml version="1.0" encoding="ISO-8859-15"?><a/>"#) == "ISO-8859-15")
        #expect(XMLFileProbe.declared("<?xml version='1.0' encoding = 'windows-1252' standalone='yes'?>\n<a/>") == "windows-1252")
        #expect(XMLFileProbe.declared(#"<?xml version="1.0"?><a encoding="latin1"/>"#) == nil)
        #expect(XMLFileProbe.declared("<a/>") == nil)
        // Pure ASCII under a Latin declaration is fine: nothing to refuse.
        #expect(XMLFileProbe.mismatch(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>x</a>"#) == nil)
        #expect(XMLFileProbe.mismatch("<?xml version=\"1.0\" encoding=\"latin1\"?>\n<a>\né</a>")?.line == 3)
        #expect(XMLFileProbe.mismatch("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>é</a>") == nil)
    }

    // MARK: 2. --into never deletes what is not a dataset

    @Test("--into a non-empty directory that is not a dataset is refused and left untouched; --force replaces it")
    func intoRefusesForeignDirectory() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "82", "--divisions", "1", "--pupils", "5"])
        let target = lycee.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: target.appendingPathComponent("notes.txt"))
        var result = try ImportFixtures.importCommand(lycee, into: target)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("not a livret dataset") && result.stderr.contains("--force"), "\(result.stderr)")
        #expect(try Data(contentsOf: target.appendingPathComponent("notes.txt")) == Data("keep me".utf8))
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("sub").path))

        // A dataset with a foreign file in it is not a dataset either.
        let dataset = lycee.appendingPathComponent("dataset")
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        try Data("x".utf8).write(to: dataset.appendingPathComponent("photo.png"))
        result = try ImportFixtures.importCommand(lycee, into: dataset)
        #expect(result.status == 1)
        #expect(result.stderr.contains("photo.png"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("photo.png").path))

        // --into . from a working directory full of other things.
        let work = lycee.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: work.appendingPathComponent("thesis.txt"))
        result = try TestSupport.run(TestSupport.livretBinary.path, [
            "import", "--nomenclature", ImportFixtures.nomenclature.path,
            "--eleves", lycee.appendingPathComponent("ElevesSansAdresses.xml").path,
            "--evaluations", lycee.appendingPathComponent("import-lsl.xml").path,
            "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--into", ".",
        ], currentDirectory: work)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["thesis.txt"])

        // --force: the user said so.
        result = try ImportFixtures.importCommand(lycee, into: target, extra: ["--force"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("import-report.json").path))
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("notes.txt").path))
        // The library refuses too.
        #expect(throws: DatasetDirectory.NotADataset.self) {
            try DatasetDirectory.write([(name: "a.json", data: Data())], to: work)
        }
        #expect(try TestSupport.livret(["import", "--help"]).stdoutText.contains("--force"))
    }

    // MARK: 3. The SIECLE UAJ

    @Test("SIECLE <UAJ>: a bad check letter and a UAI other than the profile's are refused; so is the LSL entête's")
    func siecleUAJ() throws {
        let (lycee, dataset, before) = try RefusalTests.lyceeWithDataset()
        let profileText = try ImportFixtures.text(lycee.appendingPathComponent("etablissement.json"))
        let uai = try #require(profileText.firstMatch(of: /"uai": "([0-9]{7})([A-Z])"/))
        let digits = String(uai.output.1)
        let wrongLetter = uai.output.2 == "A" ? "B" : "A"
        let otherDigits = String(digits.dropLast()) + (digits.last == "0" ? "1" : "0")
        let other = otherDigits + String(try #require(Identifiers.checkLetter(digits: Substring(otherDigits))))

        var edited = try RefusalTests.siecle(lycee) { $0.replacingOccurrences(of: "<UAJ>\(digits)\(uai.output.2)</UAJ>", with: "<UAJ>\(digits)\(wrongLetter)</UAJ>") }
        var result = try ImportFixtures.importCommand(lycee, into: dataset, eleves: edited)
        #expect(result.status == 1)
        #expect(result.stderr.contains(/ElevesEdited\.xml:4:[0-9]+: <UAJ>: .*check letter/), "\(result.stderr)")

        edited = try RefusalTests.siecle(lycee) { $0.replacingOccurrences(of: "<UAJ>\(digits)\(uai.output.2)</UAJ>", with: "<UAJ>\(other)</UAJ>") }
        result = try ImportFixtures.importCommand(lycee, into: dataset, eleves: edited)
        #expect(result.status == 1)
        #expect(result.stderr.contains("ElevesEdited.xml:4:5: <UAJ>: UAI \(other) is not the UAI \(digits)\(uai.output.2) of the établissement profile"), "\(result.stderr)")

        let lsl = try ImportFixtures.write(
            try ImportFixtures.lsl(lycee, replacing: "<etablissement>\(digits)\(uai.output.2)", with: "<etablissement>\(other)"), "other-uai.xml", in: lycee)
        result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: lsl)
        #expect(result.status == 1)
        #expect(result.stderr.contains(/other-uai\.xml:[0-9]+:[0-9]+: <etablissement>: UAI [0-9A-Z]+ is not the UAI [0-9A-Z]+ of the établissement profile/), "\(result.stderr)")
        #expect(ImportFixtures.snapshot(dataset) == before)
    }

    // MARK: 4. No mark, average, share or appreciation in a message

    @Test("a disagreeing group block is named by group and fields, never by its values nor by a pupil")
    func groupWarningHasNoValues() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "83", "--divisions", "1", "--pupils", "8"])
        var lsl = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        let structure = try #require(lsl.firstMatch(of: /<structure effectif="([0-9]+)" moyenne="([0-9.]+)"/))
        let moyenne = String(structure.output.2)
        lsl.replaceSubrange(structure.range, with: #"<structure effectif="97" moyenne="19.87""#)
        let evaluations = try ImportFixtures.write(lsl, "group-lsl.xml", in: lycee)
        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: evaluations)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(contentsOf: dataset.appendingPathComponent("import-report.json")))
        let warning = try #require(report.warnings.first { $0.message.contains("disagrees") })
        #expect(warning.eleve == nil)
        #expect(warning.line != nil && warning.file == "group-lsl.xml")
        #expect(warning.message.contains("effectif") && warning.message.contains("moyenne"), "\(warning.message)")
        #expect(warning.message.contains(/modalité [A-Z]/) && warning.message.contains(/matière [0-9]{6}/), "\(warning.message)")
        let reportText = try ImportFixtures.text(dataset.appendingPathComponent("import-report.json"))
        for value in ["97", "19.87", "19,87", moyenne, moyenne.replacingOccurrences(of: ".", with: ",")] {
            #expect(!warning.message.contains(value), "\(value) in \(warning.message)")
            #expect(!result.stderr.contains(value), "\(value) on stderr")
            #expect(!reportText.contains("\"" + value) && !reportText.contains(" " + value), "\(value) in the report")
        }
        #expect(!result.stderr.contains("élève") || !result.stderr.split(separator: "\n").contains { $0.contains("disagrees") && $0.contains("élève") })
    }

    @Test("refused marks, shares and schema errors name the field and the pupil, never the value")
    func errorsHaveNoValues() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "84", "--divisions", "1", "--pupils", "6"])
        var text = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        text = RefusalTests.replaceFirst(text, #"numero="2" moyenne="[0-9.]+""#, #"numero="2" moyenne="23.17""#)
        text = RefusalTests.replaceFirst(text, #"repar-plus-douze="[0-9.]+""#, #"repar-plus-douze="131.07""#)
        let structure = try #require(text.firstMatch(of: /<structure effectif="([0-9]+)" moyenne="[0-9.]+"/))
        text.replaceSubrange(structure.range, with: #"<structure effectif="\#(structure.output.1)" moyenne="21.43""#)
        let dataset = lycee.appendingPathComponent("dataset")
        var result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: try ImportFixtures.write(text, "range.xml", in: lycee))
        #expect(result.status == 1)
        #expect(result.stderr.contains(/range\.xml:[0-9]+:[0-9]+: periode@moyenne: mark outside 0–20 \(-1 = non noté; .*\) \(élève ELEVE_ID [0-9]+\)/), "\(result.stderr)")
        #expect(result.stderr.contains("structure@moyenne") && result.stderr.contains("structure@repar-plus-douze"), "\(result.stderr)")
        for value in ["23.17", "131.07", "21.43", "23,17"] { #expect(!result.stderr.contains(value), "\(value): \(result.stderr)") }

        // Schema errors quote libxml2, which quotes the value: not any more.
        var schema = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        schema = RefusalTests.replaceFirst(schema, #"numero="1" moyenne="[0-9.]+""#, #"numero="1" moyenne="12.505""#)
        schema = RefusalTests.replaceFirst(schema, #"repar-moins-huit="[0-9.]+""#, #"repar-moins-huit="douze""#)
        result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: try ImportFixtures.write(schema, "schema.xml", in: lycee))
        #expect(result.status == 1)
        #expect(result.stderr.contains("fractional digits") && result.stderr.contains("not a valid value"), "\(result.stderr)")
        #expect(!result.stderr.contains("12.505") && !result.stderr.contains("douze"), "\(result.stderr)")
        #expect(XMLFileProbe.withoutValues("Element 'annuelle': 'Très bien' is not a valid value of the local atomic type.")
            == "Element 'annuelle': the value is not a valid value of the local atomic type.")
    }

    // MARK: 5. Recovery leaves a running import alone

    @Test("recover does not touch the leftovers of a running import; a re-import leaves nothing beside the dataset")
    func recoverSparesLiveImports() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "85", "--divisions", "1", "--pupils", "5"])
        let dataset = lycee.appendingPathComponent("dataset")
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: lycee.path).filter { $0.hasPrefix(".dataset") }.isEmpty)

        // This test process is alive: what carries its PID belongs to a running import.
        let pid = ProcessInfo.processInfo.processIdentifier
        let aside = lycee.appendingPathComponent(".dataset.previous-\(pid)")
        try FileManager.default.moveItem(at: dataset, to: aside)
        let staging = lycee.appendingPathComponent(".dataset.importing-\(pid)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try DatasetDirectory.recover(dataset)
        #expect(!FileManager.default.fileExists(atPath: dataset.path))
        #expect(FileManager.default.fileExists(atPath: aside.path))
        #expect(FileManager.default.fileExists(atPath: staging.path))
        try FileManager.default.removeItem(at: staging)
        try FileManager.default.moveItem(at: aside, to: dataset)
    }
}

/// The internal helpers of `XMLFile`.
enum XMLFileProbe {
    static func declared(_ text: String) -> String? { XMLFile.declaredEncoding(Data(text.utf8)) }
    static func mismatch(_ text: String) -> (line: Int, column: Int)? {
        XMLFile.singleByteDeclarationOverUTF8(Data(text.utf8)).map { ($0.line, $0.column) }
    }
    static func withoutValues(_ message: String) -> String { XMLFile.withoutValues(message) }
}
