/// The identifiers of the French education system and their checks (DESIGN.md, DOMAIN.md §2.4).
public enum Identifiers {
    /// Whether `text` is a school year as the archive names it: `2015-2016` (two years of four
    /// digits, the second the year after the first).
    public static func isSchoolYear(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let first = Int(parts[0]), let second = Int(parts[1]) else { return false }
        return second == first + 1
    }

    /// The 23 check letters of a UAI (no I, O, Q).
    static let checkLetters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")

    /// The check letter of a run of digits: `checkLetters[n mod 23]`.
    public static func checkLetter(digits: Substring) -> Character? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var remainder = 0
        for digit in digits { remainder = (remainder * 10 + Int(String(digit))!) % 23 }
        return checkLetters[remainder]
    }

    /// Why a UAI is not valid, or nil: 7 digits and the mod-23 check letter.
    public static func uaiProblem(_ uai: String) -> String? {
        let chars = Array(uai)
        guard chars.count == 8, chars.prefix(7).allSatisfy({ $0.isASCII && $0.isNumber }),
              let last = chars.last, last.isASCII, last.isUppercase
        else { return "\(MessageText.quoted(uai)) is not a UAI (7 digits and a check letter)" }
        let expected = checkLetter(digits: Substring(uai.prefix(7)))!
        guard expected == last else {
            return "\(MessageText.quoted(uai)) has check letter \(last), expected \(expected)"
        }
        return nil
    }

    /// The three known INE formats (see `ineKind(_:)`).
    public enum INEKind: String, Sendable, Codable {
        case rnie        // ^[0-9]{9}[A-Z]{2}$ (since rentrée 2018)
        case bea         // ^[0-9]{10}[A-Z]$
        case apprentissage  // ^[0-9]{4}A[0-9]{5}[A-Z]$
    }

    /// The format of an INE, or nil when it has none of the three known formats.
    public static func ineKind(_ ine: String) -> INEKind? {
        let c = Array(ine)
        guard c.count == 11, c.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else { return nil }
        func digits(_ range: Range<Int>) -> Bool { c[range].allSatisfy { $0.isNumber } }
        func letters(_ range: Range<Int>) -> Bool { c[range].allSatisfy { $0.isUppercase } }
        if digits(0..<9) && letters(9..<11) { return .rnie }
        if digits(0..<10) && letters(10..<11) { return .bea }
        if digits(0..<4) && c[4] == "A" && digits(5..<10) && letters(10..<11) { return .apprentissage }
        return nil
    }

    /// For an INE-BEA, whether its check letter follows the mod-23 rule (unverified rule: a warning only).
    public static func beaCheckLetterMatches(_ ine: String) -> Bool {
        guard ineKind(ine) == .bea else { return true }
        return checkLetter(digits: Substring(ine.prefix(10))) == ine.last
    }
}
