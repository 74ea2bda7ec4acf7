import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LivretTestSupport
import Testing

/// From the exchange file to the paper: the group block printed for every pupil is the one the
/// LSL import file gives (`<structure>`), read back from the PDF as a reader would.
@Suite("Printed group blocks")
struct PrintedGroupBlockTests {
    /// `<structure>` attributes per pupil (ELEVE_ID), in file order, with Foundation's XMLParser.
    final class StructureCollector: NSObject, XMLParserDelegate {
        var current: String?
        var blocks: [String: [[String]]] = [:]

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "eleve" || name.hasSuffix(":eleve") { current = attributes["id"] }
            guard name == "structure", let current, let effectif = attributes["effectif"] else { return }
            var row = [effectif]
            if let moins = attributes["repar-moins-huit"], let huit = attributes["repar-huit-douze"], let plus = attributes["repar-plus-douze"] {
                row += [moins, huit, plus].map(Self.french)
                if let moyenne = attributes["moyenne"] { row.append(Self.french(moyenne)) }
            }
            blocks[current, default: []].append(row)
        }

        /// `12.50` → `12,5`, `40.00` → `40`: the livret's number format.
        static func french(_ xml: String) -> String {
            var text = xml
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text.replacingOccurrences(of: ".", with: ",")
        }
    }

    @Test("Every pupil's PDF shows, on one row, each imported group block: effectif, shares, group average")
    func printedBlocksMatchTheImport() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "31", "--divisions", "3", "--pupils", "6"])
        let dataset = try TestSupport.temporaryDirectory("printed").appendingPathComponent("dataset")
        let imported = try ImportFixtures.importCommand(lycee, into: dataset)
        #expect(imported.status == 0, "\(imported.stderr)")
        let collector = StructureCollector()
        let parser = try #require(XMLParser(contentsOf: lycee.appendingPathComponent("import-lsl.xml")))
        parser.delegate = collector
        #expect(parser.parse())

        let out = try TestSupport.temporaryDirectory("printed-run")
        let run = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("print-run.json"))) as? [String: Any])
        var checked = 0
        for record in summary["pupils"] as! [[String: Any]] {
            let ine = record["ine"] as! String
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dataset.appendingPathComponent("\(ine).json"))) as? [String: Any])
            let eleveID = try #require((document["eleve"] as? [String: Any])?["eleveId"] as? String)
            let words = try PDFWords(pdf: out.appendingPathComponent(record["file"] as! String)).words
            // Rows of the PDF: words of one page with the same vertical middle, left to right.
            let rows = Dictionary(grouping: words) { "\($0.page):\(Int(($0.midY * 2).rounded()))" }.values
                .map { $0.sorted { $0.left < $1.left }.map(\.text) }
            for block in collector.blocks[eleveID] ?? [] {
                let found = rows.contains { row in
                    row.count >= block.count && (0...(row.count - block.count)).contains { Array(row[$0..<($0 + block.count)]) == block }
                }
                #expect(found, "pupil \(ine): no row shows the imported group block \(block)")
                checked += 1
            }
        }
        #expect(checked > 100, "only \(checked) blocks checked")
    }
}
