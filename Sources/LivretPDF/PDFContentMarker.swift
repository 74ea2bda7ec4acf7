/// Marks the untagged parts of a page's content stream as artifacts (ISO 32000-1 §14.8.2.2):
/// cairo 1.16 has no artifact tag, so what a tagged page draws outside any structure element
/// (fills, rules, running headers and footers) is unmarked content; PDF/UA and PDF/A level A
/// want it inside `/Artifact BMC … EMC`. Every top-level stretch of content between marked
/// sequences that paints something is wrapped, as it stands (cairo closes its text objects
/// before and after each marked sequence, so no stretch splits a BT … ET).
enum PDFContentMarker {
    /// Operators that paint (text showing, path painting, shadings, XObjects).
    static let painting: Set<String> = ["Tj", "TJ", "'", "\"", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "BI"]

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
                do { _ = try parser.parseObject() } catch { return nil }
            case 0x5B, 0x5D:   // array brackets (TJ operands): skip the bracket, read the items
                parser.position += 1
            default:
                let token = parser.regularToken()
                if token.isEmpty { return nil }
                if let first = token.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || token == "true" || token == "false" || token == "null" {
                    continue   // a number: an operand
                }
                switch token {
                case "BDC", "BMC":
                    if depth == 0 {
                        emitSegment(upTo: operandStart)
                        segmentStart = operandStart
                    }
                    depth += 1
                case "EMC":
                    guard depth > 0 else { return nil }
                    depth -= 1
                    if depth == 0 {
                        out += content[segmentStart..<parser.position]
                        segmentStart = parser.position
                        paints = false
                    }
                case "BI":
                    return nil   // inline images: cairo does not write them for livret pages
                default:
                    if depth == 0 && painting.contains(token) { paints = true }
                }
                operandStart = parser.position
            }
        }
        guard depth == 0 else { return nil }
        emitSegment(upTo: content.count)
        return out
    }
}
