/// Text from the input made safe to print on a terminal.
///
/// A hostile document, import file, CSV or archive object can carry control characters (ESC, BEL,
/// NUL, C1 controls such as U+009B CSI) or bidirectional overrides (U+202E) that would drive or
/// disguise the terminal when echoed. Every message the program prints goes through `escaped`
/// (the CLI's `printError` and its log and listing output), and library errors that quote an input
/// value go through `quoted`, which also cuts long values.
public enum MessageText {
    /// Whether `scalar` is shown escaped: C0 controls, DEL, C1 controls, the bidirectional
    /// embedding/override/isolate/mark characters and the Unicode line/paragraph separators.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x061C: true  // LRM, RLM, ALM
        case 0x202A...0x202E, 0x2066...0x2069: true  // embeddings, overrides, isolates
        case 0x2028, 0x2029: true  // line and paragraph separators
        default: false
        }
    }

    /// `text` with every unsafe character written `\u{1B}` (hexadecimal code point, upper case).
    /// With `keepingNewlines`, line feeds stay (a message of several lines); tabs and every other
    /// control are escaped either way.
    public static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && !(keepingNewlines && scalar == "\n") {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The longest input value quoted whole in a message, in characters.
    public static let quoteLimit = 40

    /// Any other value, as `"\(value)"` would show it, quoted the same way.
    public static func quoted(_ value: Any) -> String { quoted(String(describing: value)) }

    /// An input value as a message quotes it: `'…'`, escaped, and cut after `quoteLimit`
    /// characters with the total length said (`'DUPONTDUPONT…' (10485760 characters)`).
    public static func quoted(_ value: some StringProtocol) -> String {
        var count = 0
        var end = value.endIndex
        for index in value.indices {
            if count == quoteLimit { end = index; break }
            count += 1
        }
        if end == value.endIndex { return "'" + escaped(String(value)) + "'" }
        return "'" + escaped(String(value[..<end])) + "…' (\(value.count) characters)"
    }
}
