import Foundation
import LivretModel
import Testing

@Suite("Rules of the livret")
struct RulesTests {
    @Test("French number format: decimal comma, no trailing zeros", arguments: [
        (1800, "18"), (1250, "12,5"), (1825, "18,25"), (5, "0,05"), (0, "0"), (2000, "20"), (1005, "10,05"),
    ])
    func frenchFormat(hundredths: Int, expected: String) {
        #expect(Decimal2(hundredths: hundredths).french == expected)
    }

    @Test("Parsing the XML decimals", arguments: [
        ("12.50", 1250), ("12", 1200), ("-1", -100), ("0.05", 5), ("7.5", 750), ("18.250", 1825),
    ])
    func parsing(text: String, hundredths: Int) {
        #expect(Decimal2(parsing: text)?.hundredths == hundredths)
    }

    @Test("Parsing refuses what is not a two-digit decimal", arguments: ["", ".", "1.234", "abc", "1,5", "1e3", "--1"])
    func parsingRefuses(text: String) {
        #expect(Decimal2(parsing: text) == nil)
    }

    @Test("Annual average is the mean of the noted periods, truncated (the official example)")
    func annualAverage() {
        let marks: [Decimal2?] = [Decimal2(hundredths: 1825), Decimal2(18), Decimal2(19)]
        #expect(Statistics.annualAverage(marks)?.french == "18,41")
        #expect(Statistics.annualAverage([Decimal2(hundredths: 1150), Decimal2(hundredths: 1250), nil])?.french == "12")
        #expect(Statistics.annualAverage([nil, nil, nil]) == nil)
        // 10 + 10 + 10,01 = 30,01 / 3 = 10,0033… → 10
        #expect(Statistics.annualAverage([Decimal2(10), Decimal2(10), Decimal2(hundredths: 1001)])?.hundredths == 1000)
    }

    @Test("Group shares sum to exactly 100 by largest remainder")
    func groupShares() throws {
        let block = Statistics.groupBlock(
            effectif: 4, annualAverages: [Decimal2(5), Decimal2(9), Decimal2(13), nil])
        let repartition = try #require(block.repartition)
        #expect(repartition.moinsDeHuit.hundredths == 3334)
        #expect(repartition.huitADouze.hundredths == 3333)
        #expect(repartition.douzeEtPlus.hundredths == 3333)
        #expect(repartition.total.hundredths == 10_000)
        #expect(block.moyenne?.hundredths == 900)
        #expect(block.effectif == 4)
        // 8 is in the middle band, 12 in the top band.
        let edges = Statistics.groupBlock(effectif: 2, annualAverages: [Decimal2(8), Decimal2(12)])
        #expect(edges.repartition?.moinsDeHuit.hundredths == 0)
        #expect(edges.repartition?.huitADouze.hundredths == 5000)
        #expect(edges.repartition?.douzeEtPlus.hundredths == 5000)
    }

    @Test("UAI check letter", arguments: [("0860038Z", true), ("0382032C", true), ("0911028Y", true), ("0911028Z", false), ("086003Z", false)])
    func uai(uai: String, valid: Bool) {
        #expect((Identifiers.uaiProblem(uai) == nil) == valid)
    }

    @Test("INE formats and the BEA key")
    func ine() {
        #expect(Identifiers.ineKind("123456789AB") == .rnie)
        #expect(Identifiers.ineKind("0494004062M") == .bea)
        #expect(Identifiers.ineKind("1234A12345B") == .apprentissage)
        #expect(Identifiers.ineKind("12345678901") == nil)
        #expect(Identifiers.ineKind("0494004062m") == nil)
        #expect(Identifiers.beaCheckLetterMatches("0494004062M"))
        #expect(Identifiers.beaCheckLetterMatches("2513000990R"))
        #expect(!Identifiers.beaCheckLetterMatches("1234567890M"))
    }

    @Test("Dates are real days")
    func dates() {
        #expect(LivretDocument.isDate("2016-02-29"))
        #expect(!LivretDocument.isDate("2015-02-29"))
        #expect(!LivretDocument.isDate("2016-13-01"))
        #expect(!LivretDocument.isDate("16-01-01"))
    }
}
