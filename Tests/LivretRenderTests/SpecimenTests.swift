import Foundation
import LivretTestSupport
import Testing

/// The ministry's specimen page, rendered and read back as a reader would.
@Suite("The official specimen")
struct SpecimenTests {
    static let specimen = TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json")

    static func render() throws -> (URL, PDFWords) {
        let directory = try TestSupport.temporaryDirectory("specimen")
        let pdf = directory.appendingPathComponent("specimen.pdf")
        let result = try TestSupport.livret(["render", specimen.path, "-o", pdf.path])
        #expect(result.status == 0, "\(result.stderr)")
        return (pdf, try PDFWords(pdf: pdf))
    }

    @Test("Each discipline's row carries the pupil's averages and the group block, in column order")
    func numbersInColumnOrder() throws {
        let (_, words) = try Self.render()
        let expected: [(String, [String])] = [
            ("MATHÉMATIQUES", ["18,25", "18", "19", "18,41", "26", "11", "39", "50", "15,25"]),
            ("SCIENCES", ["11,5", "12,5", "NN", "12", "26", "10,5", "40,5", "49", "15,3"]),
            ("FRANÇAIS", ["12", "13", "14", "13", "27", "10,5", "40,5", "49", "15,3"]),
        ]
        let firstPeriod = try #require(words.first("T1"))
        for (discipline, numbers) in expected {
            let anchor = try #require(words.first(discipline), "\(discipline) is not in the PDF")
            let row = words.row(of: anchor).filter { $0.left > firstPeriod.left - 8 }.map(\.text)
            #expect(Array(row.prefix(numbers.count)) == numbers, "row of \(discipline): \(row)")
        }
        #expect(words.first("CHIMIQUES") != nil)
    }

    @Test("Competency labels are printed whole, in order, with an X in the column of the level")
    func competencies() throws {
        let (_, words) = try Self.render()
        let maths = try #require(words.first("MATHÉMATIQUES"))
        let physics = try #require(words.first("SCIENCES"))
        let label = try #require(words.first("Compétence", page: maths.page))
        let levelHeaders = ["1", "2", "3", "4"].map { level in
            words.row(of: label).first { $0.text == level && $0.left > label.right }!
        }
        // The competency column: from the "Compétence" header's cell to the first level column.
        let block = words.inside(page: maths.page, left: label.left - 200, right: levelHeaders[0].left - 2, top: maths.top - 1, bottom: physics.top - 1)
            .filter { $0.left > maths.right + 150 }
        let text = block.map(\.text).joined(separator: " ")
        let labels = [
            "Maîtriser les connaissances exigibles", "Mettre en œuvre une recherche de façon autonome",
            "Mener des raisonnements", "Avoir une attitude critique",
            "Utiliser les outils logiciels pour résoudre des problèmes de mathématiques", "Communiquer à l'écrit et à l'oral",
        ]
        var searchFrom = text.startIndex
        for expected in labels {
            let range = try #require(text.range(of: expected, range: searchFrom..<text.endIndex), "'\(expected)' missing or out of order in: \(text)")
            searchFrom = range.upperBound
        }
        // The X of each competency sits under the header of its level: 2, 3, 1, 4, 2, 1.
        let marks = words.words.filter { $0.page == maths.page && $0.text == "X" && $0.top > maths.top - 1 && $0.bottom < physics.top }
            .sorted { $0.top < $1.top }
        let columns = marks.map { mark in
            levelHeaders.firstIndex { abs(($0.left + $0.right) / 2 - (mark.left + mark.right) / 2) < 4 }.map { $0 + 1 }
        }
        #expect(columns == [2, 3, 1, 4, 2, 1])
    }

    @Test("Labels of the form are present: the group block, the levels, the avis, the visas")
    func formLabels() throws {
        let (pdf, _) = try Self.render()
        let text = try TestSupport.pdfText(pdf).foldingSpaces
        for label in [
            "LIVRET SCOLAIRE DU LYCÉE", "Effectif", "1 = non maîtrisées", "4 = bien maîtrisées", "Très favorable", "Favorable",
            "Doit faire ses preuves", "Effectif dans la série : 64", "Visa et observations éventuelles du chef d'établissement",
            "Partie réservée à l'élève", "Visa du président du jury", "Engagements et responsabilités",
            "SPÉCIMEN", "Élodie, Marie-Œnone", "INE 0494004062M", "Né(e) le 14/03/1999", "Lycée Champollion",
            "« justifier » n’est pas « affirmer » !", "31,25 %", "56,25 %", "12,5 %", "Avis porté pour l'élève",
        ] {
            #expect(text.contains(label), "'\(label)' is not in the PDF text")
        }
        // Header cells wrap over several lines: their words are all there.
        let words = Set(try PDFWords(pdf: pdf).words.map(\.text))
        for label in ["Effectif du groupe", "Répartition des moyennes annuelles (%)", "≥ 8 et < 12", "≥ 12", "Moy. annuelle du groupe"] {
            for word in label.split(separator: " ") where word.count > 1 {
                #expect(words.contains(where: { $0.contains(word) }), "'\(word)' of '\(label)' is not in the PDF")
            }
        }
    }

    @Test("Same document, same bytes; every font embedded as a subset; qpdf finds nothing; metadata from the document")
    func pdfProperties() throws {
        let (pdf, _) = try Self.render()
        let again = pdf.deletingLastPathComponent().appendingPathComponent("again.pdf")
        #expect(try TestSupport.livret(["render", Self.specimen.path, "-o", again.path]).status == 0)
        #expect(try TestSupport.sha256(pdf) == TestSupport.sha256(again))

        let fonts = try TestSupport.run("pdffonts", [pdf.path]).stdoutText.split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for line in fonts {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(line.contains("+LiberationSans"), "not a subset of the shipped font: \(line)")
            #expect(columns.suffix(5).prefix(3) == ["yes", "yes", "yes"], "not embedded, subset and mapped to Unicode: \(line)")
        }
        #expect(try TestSupport.run("qpdf", ["--check", pdf.path]).status == 0)
        let info = try TestSupport.pdfInfo(pdf)
        #expect(info["Title"] == "Livret scolaire du lycée — SPÉCIMEN Élodie, Marie-Œnone — 2015-2016")
        #expect(info["Author"] == "Lycée Champollion")
        #expect(info["Creator"]?.hasPrefix("livret ") == true)
        #expect(info["CreationDate"]?.contains("2016") == true)
        let pages = try #require(Int(info["Pages"] ?? ""))
        #expect(pages == 3)
        // Every page carries the identity header and its number.
        for page in 1...pages {
            let text = try TestSupport.pdfText(pdf, firstPage: page, lastPage: page).foldingSpaces
            #expect(text.contains("SPÉCIMEN Élodie, Marie-Œnone — page \(page) / \(pages)"))
            #expect(text.contains("INE 0494004062M"))
        }
    }

    @Test("Standard input and output")
    func standardStreams() throws {
        let input = try Data(contentsOf: Self.specimen)
        let result = try TestSupport.livret(["render", "-", "-o", "-"], input: input)
        #expect(result.status == 0)
        #expect(result.stdout.starts(with: Data("%PDF-".utf8)))
        let (pdf, _) = try Self.render()
        #expect(try TestSupport.sha256(result.stdout) == (try TestSupport.sha256(pdf)))
    }
}
