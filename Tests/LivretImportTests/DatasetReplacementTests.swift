import Foundation
import LivretImport
import LivretTestSupport
import Testing

@Suite("All or nothing")
struct DatasetReplacementTests {
    @Test("re-importing replaces the dataset; a dataset left aside by an interrupted import is put back")
    func replaceAndRecover() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "71", "--divisions", "1", "--pupils", "10"])
        let dataset = lycee.appendingPathComponent("dataset")
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        let first = ImportFixtures.snapshot(dataset)
        try Data("stale".utf8).write(to: dataset.appendingPathComponent("stale.json"))
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        #expect(ImportFixtures.snapshot(dataset) == first)

        // Killed between "rename old aside" and "rename new in": only the old one, aside.
        let aside = lycee.appendingPathComponent(".dataset.previous-999999")
        try FileManager.default.moveItem(at: dataset, to: aside)
        let staging = lycee.appendingPathComponent(".dataset.importing-999998")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try DatasetDirectory.recover(dataset)
        #expect(ImportFixtures.snapshot(dataset) == first)
        #expect(!FileManager.default.fileExists(atPath: aside.path))
        #expect(!FileManager.default.fileExists(atPath: staging.path))
    }
}
