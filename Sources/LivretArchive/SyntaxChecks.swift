/// Hand-written matchers for the few syntaxes the validator checks on every inventory
/// (NSRegularExpression compiles a pattern per call on Linux, which dominated `verify`).
enum SyntaxChecks {
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// `scheme:rest` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) and a non-empty rest
    /// (RFC 3986 §3.1); `allowSpaces: false` also refuses white space in the rest.
    static func isURI(_ text: String, allowSpaces: Bool = true) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isAlpha(first), let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon + 1 < bytes.count else { return false }
        for c in bytes[1..<colon] where !(isAlpha(c) || isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")) {
            return false
        }
        if !allowSpaces && bytes[(colon + 1)...].contains(where: { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return false }
        return true
    }

    /// RFC 3339 date-time with seconds and a time zone: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    static func isRFC3339(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return false }
        let digitPositions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard digitPositions.allSatisfy({ isDigit(b[$0]) }), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            if i == start { return false }
        }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.count == i + 6 else { return false }
        return isDigit(b[i + 1]) && isDigit(b[i + 2]) && b[i + 3] == UInt8(ascii: ":") && isDigit(b[i + 4]) && isDigit(b[i + 5])
    }

    /// `YYYY-YYYY`.
    static func isSchoolYear<S: StringProtocol>(_ text: S) -> Bool {
        let b = Array(text.utf8)
        return b.count == 9 && b[4] == UInt8(ascii: "-") && (b[0..<4] + b[5..<9]).allSatisfy(isDigit)
    }
}
