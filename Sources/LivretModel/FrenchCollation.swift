import Foundation

/// How the class list is ordered: family name, then first names, then INE, compared the French
/// way. Accents and case are folded (`É` sorts with `E`, `œ` as `oe`); spaces, hyphens and
/// apostrophes all count as one separator that sorts before any letter ("nothing before
/// something"): `DU PONT` < `DU-PONT` = `D'UPONT`-like ties fall back to the original spelling,
/// and `D'ALMEIDA` < `DA SILVA` < `DABIN`.
public enum FrenchCollation {
    /// The characters that all count as one separator.
    public static let separators: Set<Character> = [" ", "-", "'", "’", "\u{00A0}", "\u{2010}", "\u{2011}"]

    /// The folded sort key of a name.
    public static func key(_ name: String) -> String {
        var expanded = ""
        for character in name {
            switch character {
            case "œ", "Œ": expanded += "oe"
            case "æ", "Æ": expanded += "ae"
            case "ß": expanded += "ss"
            default: expanded.append(character)
            }
        }
        let folded = expanded.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: Locale(identifier: "fr_FR"))
        var key = ""
        var lastWasSeparator = true
        for character in folded {
            if separators.contains(character) {
                if !lastWasSeparator { key.append(" ") }
                lastWasSeparator = true
            } else {
                key.append(character)
                lastWasSeparator = false
            }
        }
        while key.last == " " { key.removeLast() }
        return key
    }

    /// Strict weak order on pupils: (nom, prénoms) folded, then the spellings, then the INE.
    public static func precedes(_ a: (nom: String, prenoms: String, ine: String), _ b: (nom: String, prenoms: String, ine: String)) -> Bool {
        let ka = (key(a.nom), key(a.prenoms)), kb = (key(b.nom), key(b.prenoms))
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if a.nom != b.nom { return a.nom < b.nom }
        if a.prenoms != b.prenoms { return a.prenoms < b.prenoms }
        return a.ine < b.ine
    }
}
