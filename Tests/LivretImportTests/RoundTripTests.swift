import Foundation
import LivretTestSupport
import Testing

@Suite("Export back to LSL")
struct RoundTripTests {
    @Test("import → export-lsl → import gives byte-identical documents; the export is valid for the rectorat's schema",
          arguments: [["--seed", "2015"], ["--seed", "21", "--stress", "--lv-levels", "1-4"]])
    func roundTrip(arguments: [String]) throws {
        let lycee = try ImportFixtures.lycee(arguments)
        let first = lycee.appendingPathComponent("first")
        #expect(try ImportFixtures.importCommand(lycee, into: first).status == 0)
        let exported = lycee.appendingPathComponent("exported.xml")
        let export = try TestSupport.livret(["export-lsl", first.path, "-o", exported.path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(try ImportFixtures.officialSchemaAccepts(exported))
        let text = try ImportFixtures.text(exported)
        #expect(text.contains("code-matiere=\"030201\""))
        #expect(!text.contains("code-matiere=\"030001\""))
        let second = lycee.appendingPathComponent("second")
        let again = try ImportFixtures.importCommand(lycee, into: second, evaluations: exported)
        #expect(again.status == 0, "\(again.stderr)")
        let a = ImportFixtures.snapshot(first).filter { $0.key != "import-report.json" }
        let b = ImportFixtures.snapshot(second).filter { $0.key != "import-report.json" }
        #expect(a.count > 0)
        #expect(Set(a.keys) == Set(b.keys))
        let different = a.keys.filter { a[$0] != b[$0] }.sorted()
        #expect(different.isEmpty, "documents that differ: \(different.prefix(5))")
    }

    @Test("a pupil who arrived in January: missing period 1 is written back as -1")
    func nonNotedPeriods() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "2015"])
        let dataset = lycee.appendingPathComponent("dataset")
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        let exported = lycee.appendingPathComponent("exported.xml")
        #expect(try TestSupport.livret(["export-lsl", dataset.path, "-o", exported.path]).status == 0)
        let original = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        let text = try ImportFixtures.text(exported)
        #expect(original.contains("moyenne=\"-1\"") == text.contains("moyenne=\"-1\""))
        #expect(!text.contains(where: { $0 == "\r" }))
    }
}
