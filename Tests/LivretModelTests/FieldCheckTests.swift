import Foundation
@testable import LivretModel
import Testing

@Suite("Unknown fields")
struct FieldCheckTests {
    /// Every optional of the reference sample is set and every array has an element: otherwise a
    /// real field would be taken for a misspelt one.
    @Test("The reference sample sets every field")
    func sampleIsComplete() {
        var missing: [String] = []
        func visit(_ value: Any, _ path: String) {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let child = mirror.children.first { visit(child.value, path) } else { missing.append(path) }
                return
            }
            if mirror.displayStyle == .collection {
                if mirror.children.isEmpty { missing.append(path + "[]") }
                for child in mirror.children.prefix(1) { visit(child.value, path + "[]") }
                return
            }
            guard mirror.displayStyle == .struct else { return }
            for child in mirror.children { visit(child.value, path + "." + (child.label ?? "?")) }
        }
        visit(LivretDocument.sample, "")
        #expect(missing.isEmpty, "unset in LivretDocument.sample: \(missing)")
    }

    @Test("Misspelt fields are found with their path; null values and known fields are not")
    func unknownFields() throws {
        let json = """
            {"schemaVersion": 1, "modele": null, "visaChefEtablisement": {"texte": "x"},
             "scolarites": [{"niveau": "premiere", "evaluations": [{"appreciation": "a"}, {"appreciaton": "b", "groupe": {"repartiton": {}}}]}]}
            """
        let problems = FieldCheck.unknownFields(in: Data(json.utf8)).map(\.field)
        #expect(problems == ["scolarites[0].evaluations[1].appreciaton", "scolarites[0].evaluations[1].groupe.repartiton", "visaChefEtablisement"])
        let specimen = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/specimen.json"))
        #expect(FieldCheck.unknownFields(in: specimen).isEmpty)
    }
}
