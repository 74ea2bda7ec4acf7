/// A decimal number with at most two fraction digits, held exactly as hundredths.
///
/// Marks, group averages and percentages in the LSL are all of this kind (the XSD's
/// `decimal2Scale` and `Pourcentage`); holding them as integers keeps the rules exact
/// (truncation to the hundredth, shares summing to exactly 100).
public struct Decimal2: Hashable, Comparable, Sendable {
    /// The value in hundredths: 1250 is 12,5.
    public var hundredths: Int

    /// The number of `hundredths` hundredths.
    public init(hundredths: Int) {
        self.hundredths = hundredths
    }

    /// The whole number `whole` (no fraction).
    public init(_ whole: Int) {
        self.hundredths = whole * 100
    }

    /// Converts a binary floating-point value read from JSON; nil if it has more than two
    /// fraction digits (beyond a rounding tolerance far below a hundredth) or is not finite.
    public init?(exactly value: Double) {
        guard value.isFinite, abs(value) < 1e12 else { return nil }
        let scaled = value * 100
        let rounded = scaled.rounded()
        guard abs(scaled - rounded) < 1e-6 else { return nil }
        self.hundredths = Int(rounded)
    }

    /// Parses `12`, `12.5`, `12.50`, `-1` (the XSD's xs:decimal with at most two fraction digits).
    public init?(parsing text: Substring) {
        var text = text
        var negative = false
        if text.first == "-" { negative = true; text = text.dropFirst() } else if text.first == "+" { text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholePart = parts.first, !(wholePart.isEmpty && parts.count == 1),
              wholePart.allSatisfy({ $0.isASCII && $0.isNumber }), wholePart.count <= 12
        else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 && wholePart.isEmpty && fraction.isEmpty { return nil }
        while fraction.count > 2, fraction.last == "0" { fraction = fraction.dropLast() }
        guard fraction.count <= 2 else { return nil }
        let whole = Int(wholePart) ?? 0
        let frac = (Int(fraction) ?? 0) * (fraction.count == 1 ? 10 : 1)
        self.hundredths = (whole * 100 + frac) * (negative ? -1 : 1)
    }

    /// Parses `12`, `12.5` or `-3.25` (at most two fraction digits); nil when `text` is not such a number.
    public init?(parsing text: String) {
        self.init(parsing: Substring(text))
    }

    /// The value as a `Double` (for display and tests; the rules use `hundredths`).
    public var doubleValue: Double { Double(hundredths) / 100 }

    /// Orders by value.
    public static func < (lhs: Decimal2, rhs: Decimal2) -> Bool { lhs.hundredths < rhs.hundredths }

    /// The French way: decimal comma, no trailing zeros (`18`, `12,5`, `18,25`).
    public var french: String {
        format(separator: ",")
    }

    /// The XML way: a point and exactly two fraction digits (`12.50`), as the LSL import writes.
    public var xmlValue: String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private func format(separator: String) -> String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole)\(separator)\(fraction / 10)" }
        return "\(sign)\(whole)\(separator)\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Decimal2: CustomStringConvertible {
    /// The value with a decimal point and no trailing zeros, e.g. `12.5`.
    public var description: String { format(separator: ".") }
}

extension Decimal2: Codable {
    /// Reads a JSON number with at most two fraction digits; throws `DecodingError.dataCorrupted` for more.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Double.self)
        guard let exact = Decimal2(exactly: value) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(value) has more than two decimal places")
        }
        self = exact
    }

    /// Writes a JSON number: an integer when whole, else with its one or two fraction digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if hundredths % 100 == 0 {
            try container.encode(hundredths / 100)
        } else {
            try container.encode(doubleValue)
        }
    }
}
