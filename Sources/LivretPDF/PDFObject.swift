import Foundation

/// A PDF object (ISO 32000-1 §7.3) as the finisher reads and writes it: enough of the syntax for
/// cairo's output and for what livret appends to it, nothing more (no content streams).
public indirect enum PDFObject: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    /// A real, kept as written (the finisher never does arithmetic on reals).
    case real(String)
    /// A string's bytes (literal or hexadecimal in the file: the same value).
    case string([UInt8])
    /// A name without its slash, unescaped (`application/json` for `/application#2Fjson`).
    case name(String)
    case array([PDFObject])
    /// A dictionary; keys without their slash. Written in key order (deterministic bytes).
    case dictionary([String: PDFObject])
    /// `n g R`.
    case reference(Int, Int)

    /// The value of `key` when this is a dictionary.
    public subscript(key: String) -> PDFObject? {
        if case .dictionary(let entries) = self { return entries[key] }
        return nil
    }

    public var integerValue: Int? { if case .integer(let value) = self { value } else { nil } }
    public var nameValue: String? { if case .name(let value) = self { value } else { nil } }
    public var arrayValue: [PDFObject]? { if case .array(let value) = self { value } else { nil } }
    public var dictionaryValue: [String: PDFObject]? { if case .dictionary(let value) = self { value } else { nil } }
    public var referenceValue: Int? { if case .reference(let number, _) = self { number } else { nil } }

    /// A text string (§7.9.2.2): PDFDocEncoding when every character is printable ASCII, else
    /// UTF-16BE with its byte order mark.
    public static func text(_ value: String) -> PDFObject {
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return .string(Array(value.utf8)) }
        return .string([0xFE, 0xFF] + value.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    }

    /// A date string (§7.9.4), `D:YYYYMMDDHHmmSSZ`, from an ISO 8601 UTC date-time
    /// (`2016-06-20T00:00:00Z`); nil when the text is not of that form.
    public static func date(iso8601 value: String) -> PDFObject? {
        let digits = value.filter(\.isNumber)
        guard value.hasSuffix("Z"), digits.count == 14 else { return nil }
        return .string(Array("D:\(digits)Z".utf8))
    }

    /// Reads one object from PDF syntax (the inverse of `serialized`).
    public static func parse(_ bytes: [UInt8]) throws(PDFSyntaxError) -> PDFObject {
        var parser = PDFObjectParser(bytes)
        return try parser.parseObject()
    }

    // MARK: writing

    /// The object's bytes in PDF syntax.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .integer(let value): out += Array(String(value).utf8)
        case .real(let value): out += Array(value.utf8)
        case .string(let bytes):
            // Literal when plain ASCII without delimiters to escape, else hexadecimal.
            if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x28 && $0 != 0x29 && $0 != 0x5C }) {
                out.append(0x28); out += bytes; out.append(0x29)
            } else {
                out.append(0x3C)
                for byte in bytes { out += Self.hexDigits(byte) }
                out.append(0x3E)
            }
        case .name(let name): out += Self.nameBytes(name)
        case .array(let items):
            out += Array("[".utf8)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(0x20) }
                item.write(to: &out)
            }
            out += Array("]".utf8)
        case .dictionary(let entries):
            out += Array("<<".utf8)
            for key in entries.keys.sorted() {
                out += Self.nameBytes(key)
                out.append(0x20)
                entries[key]!.write(to: &out)
                out.append(0x0A)
            }
            out += Array(">>".utf8)
        case .reference(let number, let generation): out += Array("\(number) \(generation) R".utf8)
        }
    }

    private static func hexDigits(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
    }

    /// `/Name` with `#xx` for delimiters, white space, `#` and bytes outside 0x21…0x7E (§7.3.5).
    static func nameBytes(_ name: String) -> [UInt8] {
        var out: [UInt8] = [0x2F]
        for byte in name.utf8 {
            if byte < 0x21 || byte > 0x7E || byte == 0x23 || PDFObjectParser.isDelimiter(byte) {
                out.append(0x23)
                out += hexDigits(byte)
            } else {
                out.append(byte)
            }
        }
        return out
    }
}

/// A syntax error in a PDF, at a byte offset.
public struct PDFSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "byte \(offset): \(message)" }
}

/// Reads PDF objects from bytes (§7.2–7.3): the tokenizer of the finisher and of `livret source`.
struct PDFObjectParser {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    @inline(__always)
    static func isWhite(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00: true
        default: false
        }
    }

    /// `( ) < > [ ] { } / %` (a switch: this runs for every byte the parser reads).
    @inline(__always)
    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x7B, 0x7D, 0x2F, 0x25: true
        default: false
        }
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Moves past the string, name, hexadecimal string or dictionary at `position` without
    /// making its value (content streams: only the operators matter); false when it is malformed.
    mutating func skipOperand() -> Bool {
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case 0x2F:   // /Name
            position = tokenEnd(from: position + 1)
            return true
        case 0x3C where position + 1 < bytes.count && bytes[position + 1] == 0x3C:
            do { _ = try parseObject() } catch { return false }
            return true
        case 0x3C:   // <hex>
            while position < bytes.count && bytes[position] != 0x3E { position += 1 }
            guard position < bytes.count else { return false }
            position += 1
            return true
        case 0x28:   // (literal), nested parentheses and escapes
            position += 1
            var depth = 1
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == 0x5C {
                    position += 1
                } else if byte == 0x28 {
                    depth += 1
                } else if byte == 0x29 {
                    depth -= 1
                    if depth == 0 { return true }
                }
            }
            return false
        default:
            do { _ = try parseObject() } catch { return false }
            return true
        }
    }

    /// The end of the regular token starting at `position`.
    @inline(__always)
    func tokenEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count && !Self.isWhite(bytes[end]) && !Self.isDelimiter(bytes[end]) { end += 1 }
        return end
    }

    /// The value of `bytes[start..<end]` when it is an unsigned decimal integer (at most 18
    /// digits), else nil: object and generation numbers, without making a String.
    @inline(__always)
    func unsignedInteger(_ start: Int, _ end: Int) -> Int? {
        guard end > start, end - start <= 18 else { return nil }
        var value = 0
        for index in start..<end {
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    mutating func skipWhiteAndComments() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhite(byte) {
                position += 1
            } else if byte == 0x25 {   // % comment to end of line
                while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// Moves past the next regular token; whether it is `word` (without making a String).
    mutating func token(is word: StaticString) -> Bool {
        let start = position
        position = tokenEnd(from: start)
        return word.withUTF8Buffer { bytes[start..<position].elementsEqual($0) }
    }

    /// Moves past the next regular token; its value when it is an unsigned decimal integer.
    mutating func unsignedToken() -> Int? {
        let start = position
        position = tokenEnd(from: start)
        return unsignedInteger(start, position)
    }


    func error(_ message: String) -> PDFSyntaxError { PDFSyntaxError(offset: position, message: message) }

    /// The next object; `n g R` is read as a reference.
    mutating func parseObject() throws(PDFSyntaxError) -> PDFObject {
        skipWhiteAndComments()
        guard position < bytes.count else { throw error("unexpected end of data") }
        switch bytes[position] {
        case 0x2F:  // /Name
            position += 1
            let start = position
            while position < bytes.count && !Self.isWhite(bytes[position]) && !Self.isDelimiter(bytes[position]) { position += 1 }
            var name: [UInt8] = []
            var index = start
            while index < position {
                if bytes[index] == 0x23, index + 2 < position, let high = Self.hexValue(bytes[index + 1]), let low = Self.hexValue(bytes[index + 2]) {
                    name.append(high << 4 | low)
                    index += 3
                } else {
                    name.append(bytes[index])
                    index += 1
                }
            }
            return .name(String(decoding: name, as: UTF8.self))
        case 0x3C where position + 1 < bytes.count && bytes[position + 1] == 0x3C:  // << dictionary >>
            position += 2
            var entries: [String: PDFObject] = [:]
            while true {
                skipWhiteAndComments()
                guard position + 1 < bytes.count else { throw error("unterminated dictionary") }
                if bytes[position] == 0x3E && bytes[position + 1] == 0x3E {
                    position += 2
                    return .dictionary(entries)
                }
                guard case .name(let key) = try parseObject() else { throw error("dictionary key is not a name") }
                entries[key] = try parseObject()
            }
        case 0x3C:  // <hex string>
            position += 1
            var digits: [UInt8] = []
            while position < bytes.count && bytes[position] != 0x3E {
                if !Self.isWhite(bytes[position]) { digits.append(bytes[position]) }
                position += 1
            }
            guard position < bytes.count else { throw error("unterminated hexadecimal string") }
            position += 1
            if digits.count % 2 == 1 { digits.append(0x30) }
            var value: [UInt8] = []
            value.reserveCapacity(digits.count / 2)
            for index in stride(from: 0, to: digits.count, by: 2) {
                guard let high = Self.hexValue(digits[index]), let low = Self.hexValue(digits[index + 1]) else {
                    throw error("bad hexadecimal string")
                }
                value.append(high << 4 | low)
            }
            return .string(value)
        case 0x28:  // (literal string)
            position += 1
            var value: [UInt8] = []
            var depth = 1
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == 0x5C, position < bytes.count {
                    let next = bytes[position]
                    position += 1
                    switch next {
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "r"): value.append(0x0D)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "b"): value.append(0x08)
                    case UInt8(ascii: "f"): value.append(0x0C)
                    case 0x0D: if position < bytes.count && bytes[position] == 0x0A { position += 1 }
                    case 0x0A: break
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var code = Int(next - 0x30)
                        for _ in 0..<2 where position < bytes.count && (0x30...0x37).contains(bytes[position]) {
                            code = code * 8 + Int(bytes[position] - 0x30)
                            position += 1
                        }
                        value.append(UInt8(code & 0xFF))
                    default: value.append(next)
                    }
                } else if byte == 0x28 {
                    depth += 1
                    value.append(byte)
                } else if byte == 0x29 {
                    depth -= 1
                    if depth == 0 { return .string(value) }
                    value.append(byte)
                } else {
                    value.append(byte)
                }
            }
            throw error("unterminated string")
        case 0x5B:  // [array]
            position += 1
            var items: [PDFObject] = []
            while true {
                skipWhiteAndComments()
                guard position < bytes.count else { throw error("unterminated array") }
                if bytes[position] == 0x5D {
                    position += 1
                    return .array(items)
                }
                items.append(try parseObject())
            }
        default:
            let start = position
            let end = tokenEnd(from: start)
            guard end > start else { throw error("unexpected character") }
            // Unsigned integers (most numbers, every reference) are read without making a String.
            let unsigned = unsignedInteger(start, end)
            let token = unsigned == nil ? String(decoding: bytes[start..<end], as: UTF8.self) : ""
            position = end
            switch token {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
            if let integer = unsigned ?? Int(token) {
                // `n g R`?
                let saved = position
                skipWhiteAndComments()
                let generationEnd = tokenEnd(from: position)
                if let generation = unsignedInteger(position, generationEnd) {
                    position = generationEnd
                    skipWhiteAndComments()
                    if position < bytes.count && bytes[position] == UInt8(ascii: "R"),
                       position + 1 == bytes.count || Self.isWhite(bytes[position + 1]) || Self.isDelimiter(bytes[position + 1]) {
                        position += 1
                        return .reference(integer, generation)
                    }
                }
                position = saved
                return .integer(integer)
            }
            if Double(token) != nil { return .real(token) }
            position = start
            throw error("unexpected token '\(token)'")
        }
    }
}
