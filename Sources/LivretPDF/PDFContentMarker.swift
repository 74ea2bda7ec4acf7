/// Marks the untagged parts of a page's content stream as artifacts (ISO 32000-1 §14.8.2.2):
/// cairo 1.16 has no artifact tag, so what a tagged page draws outside any structure element
/// (fills, rules, running headers and footers) is unmarked content; PDF/UA and PDF/A level A
/// want it inside `/Artifact BMC … EMC`. Every top-level stretch of content between marked
/// sequences that paints something is wrapped, as it stands (cairo closes its text objects
/// before and after each marked sequence, so no stretch splits a BT … ET).
enum PDFContentMarker {
    /// Operators that paint (text showing, path painting, shadings, XObjects).
    static let painting: Set<String> = ["Tj", "TJ", "'", "\"", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "BI"]
    /// `painting`, each operator's bytes packed into an integer (the marker compares those).
    static let paintingKeys: Set<UInt32> = Set(painting.map(key))
    static let bdc = key("BDC"), bmc = key("BMC"), emc = key("EMC"), bi = key("BI")

    /// An operator of at most three bytes as an integer, its bytes in order.
    static func key(_ token: String) -> UInt32 {
        token.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The content with each unmarked painting stretch wrapped as an artifact; nil when the
    /// content cannot be read (the finisher then refuses rather than guess).
    static func wrapArtifacts(_ content: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(content.count + 256)
        var parser = PDFObjectParser(content)
        var depth = 0
        var segmentStart = 0
        var operandStart = 0
        var paints = false
        func emitSegment(upTo end: Int) {
            guard end > segmentStart else { return }
            if paints {
                out += Array("/Artifact BMC\n".utf8)
                out += content[segmentStart..<end]
                if out.last != 0x0A { out.append(0x0A) }
                out += Array("EMC\n".utf8)
            } else {
                out += content[segmentStart..<end]
            }
            paints = false
        }
        while true {
            parser.skipWhiteAndComments()
            guard parser.position < content.count else { break }
            let byte = content[parser.position]
            switch byte {
            case 0x28, 0x2F, 0x3C:   // string, name, hex string or dictionary: an operand
                guard parser.skipOperand() else { return nil }
            case 0x5B, 0x5D:   // array brackets (TJ operands): skip the bracket, read the items
                parser.position += 1
            default:
                let start = parser.position
                let end = parser.tokenEnd(from: start)
                if end == start { return nil }
                parser.position = end
                let first = content[start]
                if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
                    continue   // a number: an operand
                }
                // Operators are at most three bytes; longer tokens (true, false, null) are operands.
                guard end - start <= 3 else { continue }
                var key: UInt32 = 0
                for index in start..<end { key = key << 8 | UInt32(content[index]) }
                switch key {
                case Self.bdc, Self.bmc:
                    if depth == 0 {
                        emitSegment(upTo: operandStart)
                        segmentStart = operandStart
                    }
                    depth += 1
                case Self.emc:
                    guard depth > 0 else { return nil }
                    depth -= 1
                    if depth == 0 {
                        out += content[segmentStart..<parser.position]
                        segmentStart = parser.position
                        paints = false
                    }
                case Self.bi:
                    return nil   // inline images: cairo does not write them for livret pages
                default:
                    if depth == 0 && Self.paintingKeys.contains(key) { paints = true }
                }
                operandStart = parser.position
            }
        }
        guard depth == 0 else { return nil }
        emitSegment(upTo: content.count)
        return out
    }
}
