/// The arithmetic rules of the livret (DESIGN.md, "Rules the documents follow"), exact in hundredths.
public enum Statistics {
    /// Mean of the period averages that exist, truncated to the hundredth; nil when none is noted.
    /// The official example: 18,25 / 18 / 19 → 18,41.
    public static func annualAverage(_ periods: [Decimal2?]) -> Decimal2? {
        let noted = periods.compactMap { $0 }
        guard !noted.isEmpty else { return nil }
        let sum = noted.reduce(0) { $0 + $1.hundredths }
        return Decimal2(hundredths: sum / noted.count)  // both non-negative: integer division truncates
    }

    /// Shares of `counts` over their total in hundredths of a percent, summing to exactly 100,00:
    /// each share is truncated, then the hundredths left are given to the largest remainders
    /// (ties to the first). nil when the total is zero.
    public static func largestRemainderShares(_ counts: [Int]) -> [Decimal2]? {
        let n = counts.reduce(0, +)
        guard n > 0 else { return nil }
        let exact = counts.map { $0 * 10_000 }
        var units = exact.map { $0 / n }
        let order = counts.indices.sorted { a, b in
            let ra = exact[a] % n, rb = exact[b] % n
            return ra != rb ? ra > rb : a < b
        }
        for index in order.prefix(10_000 - units.reduce(0, +)) { units[index] += 1 }
        return units.map { Decimal2(hundredths: $0) }
    }

    /// The group block computed from the annual averages of the pupils of one teaching group.
    /// `effectif` is the group size (pupils without an annual average included).
    public static func groupBlock(effectif: Int, annualAverages: [Decimal2?]) -> GroupBlock {
        let averages = annualAverages.compactMap { $0 }
        guard !averages.isEmpty else {
            return GroupBlock(effectif: effectif, moyenne: nil, repartition: nil, source: .calcul)
        }
        let low = averages.filter { $0.hundredths < 800 }.count
        let middle = averages.filter { $0.hundredths >= 800 && $0.hundredths < 1200 }.count
        let shares = largestRemainderShares([low, middle, averages.count - low - middle])!
        let mean = averages.reduce(0) { $0 + $1.hundredths } / averages.count
        return GroupBlock(
            effectif: effectif, moyenne: Decimal2(hundredths: mean),
            repartition: Repartition(moinsDeHuit: shares[0], huitADouze: shares[1], douzeEtPlus: shares[2]),
            source: .calcul)
    }

    /// Shares of each avis over the pupils of a série.
    public static func serieStatistics(_ avis: [CodeAvisExamen], includeAssezFavorable: Bool) -> StatistiquesSerie? {
        let kinds: [CodeAvisExamen] = includeAssezFavorable
            ? [.tresFavorable, .favorable, .assezFavorable, .doitFaireSesPreuves]
            : [.tresFavorable, .favorable, .doitFaireSesPreuves]
        let counts = kinds.map { kind in avis.filter { $0 == kind }.count }
        guard let shares = largestRemainderShares(counts) else { return nil }
        let share = { (kind: CodeAvisExamen) in shares[kinds.firstIndex(of: kind)!] }
        return StatistiquesSerie(
            effectif: avis.count, tresFavorable: share(.tresFavorable), favorable: share(.favorable),
            assezFavorable: includeAssezFavorable ? share(.assezFavorable) : nil,
            doitFaireSesPreuves: share(.doitFaireSesPreuves))
    }
}
