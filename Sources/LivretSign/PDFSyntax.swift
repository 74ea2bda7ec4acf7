import Foundation

/// A PDF object as read from a file (ISO 32000-1 §7.3), with the exact bytes of every dictionary
/// value kept, so that a dictionary can be copied with a key added and nothing else changed.
indirect enum PDFObject: Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case real(String)
    case name(String)
    case string([UInt8])
    case array([PDFObject])
    case dictionary(PDFDictionary)
    case reference(Int, Int)

    var integer: Int? { if case .integer(let value) = self { return value } else { return nil } }
    var name: String? { if case .name(let value) = self { return value } else { return nil } }
    var dictionary: PDFDictionary? { if case .dictionary(let value) = self { return value } else { return nil } }
    var array: [PDFObject]? { if case .array(let value) = self { return value } else { return nil } }
    var reference: (number: Int, generation: Int)? {
        if case .reference(let number, let generation) = self { return (number, generation) } else { return nil }
    }
}

/// A dictionary: its entries in file order, each with the raw bytes of its key and value.
struct PDFDictionary: Equatable {
    struct Entry: Equatable {
        var key: String
        var value: PDFObject
        /// The value exactly as written in the file.
        var raw: [UInt8]
    }
    var entries: [Entry] = []
    /// Where the dictionary's `<<` … `>>` lies in the file.
    var range: Range<Int> = 0..<0

    subscript(key: String) -> PDFObject? { entries.first { $0.key == key }?.value }

    /// The dictionary written again: every entry but those in `removing`, as in the file, then `adding`.
    func serialized(removing: Set<String> = [], adding: [(String, String)] = []) -> [UInt8] {
        var out = Array("<<".utf8)
        for entry in entries where !removing.contains(entry.key) {
            out += Array("\n/".utf8) + PDFSyntax.encodeName(entry.key) + [0x20] + entry.raw
        }
        for (key, value) in adding { out += Array("\n/\(key) \(value)".utf8) }
        out += Array("\n>>".utf8)
        return out
    }
}

/// A PDF syntax error at a byte offset.
struct PDFSyntaxError: Error, CustomStringConvertible {
    var offset: Int
    var message: String
    var description: String { "byte \(offset): \(message)" }
}

/// A reader of PDF tokens and objects over the bytes of a file.
struct PDFSyntax {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0 || byte == 9 || byte == 10 || byte == 12 || byte == 13 || byte == 32 }
    static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {   // ( ) < > [ ] { } / %
        case 0x28, 0x29, 0x3C, 0x3E, 0x5B, 0x5D, 0x7B, 0x7D, 0x2F, 0x25: true
        default: false
        }
    }
    static func isRegular(_ byte: UInt8) -> Bool { !isWhitespace(byte) && !isDelimiter(byte) }

    /// Skips white space and comments.
    mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            if Self.isWhitespace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "%") {
                while position < bytes.count, bytes[position] != 10, bytes[position] != 13 { position += 1 }
            } else {
                return
            }
        }
    }

    func error(_ message: String) -> PDFSyntaxError { PDFSyntaxError(offset: position, message: message) }

    /// A run of regular characters (a keyword or a number), after white space.
    mutating func token() -> String {
        skipWhitespace()
        let start = position
        while position < bytes.count, Self.isRegular(bytes[position]) { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func expectKeyword(_ keyword: String) throws {
        let word = token()
        guard word == keyword else { throw error("expected '\(keyword)', found '\(word.prefix(20))'") }
    }

    func peek(_ text: String) -> Bool {
        let literal = Array(text.utf8)
        return position + literal.count <= bytes.count && Array(bytes[position..<(position + literal.count)]) == literal
    }

    /// Reads `N G obj` and the object after it; the header must name `number` when given.
    mutating func indirectObject(number expected: Int? = nil) throws -> (number: Int, generation: Int, object: PDFObject) {
        guard let number = Int(token()), let generation = Int(token()) else { throw error("expected an object header 'N G obj'") }
        try expectKeyword("obj")
        if let expected, expected != number { throw error("expected object \(expected), found \(number)") }
        return (number, generation, try object())
    }

    /// Reads one object.
    mutating func object(depth: Int = 0) throws -> PDFObject {
        guard depth < 64 else { throw error("objects nested too deep") }
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of file") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "<"):
            if peek("<<") { return .dictionary(try dictionary(depth: depth)) }
            return .string(try hexString())
        case UInt8(ascii: "("):
            return .string(try literalString())
        case UInt8(ascii: "["):
            position += 1
            var items: [PDFObject] = []
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("unterminated array") }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                items.append(try object(depth: depth + 1))
            }
        case UInt8(ascii: "/"):
            return .name(try name())
        default:
            let start = position
            let word = token()
            if word.isEmpty { throw error("unexpected character '\(Character(UnicodeScalar(byte)))'") }
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
            if let integer = Int(word) {
                // `N G R`?
                let save = position
                if let generation = Int(token()), token() == "R" { return .reference(integer, generation) }
                position = save
                return .integer(integer)
            }
            if Double(word) != nil { return .real(word) }
            position = start
            throw error("unexpected '\(word.prefix(20))'")
        }
    }

    mutating func dictionary(depth: Int) throws -> PDFDictionary {
        let start = position
        position += 2
        var result = PDFDictionary()
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated dictionary") }
            if peek(">>") {
                position += 2
                result.range = start..<position
                return result
            }
            guard bytes[position] == UInt8(ascii: "/") else { throw error("expected a name as dictionary key") }
            let key = try name()
            skipWhitespace()
            let valueStart = position
            let value = try object(depth: depth + 1)
            result.entries.append(.init(key: key, value: value, raw: Array(bytes[valueStart..<position])))
        }
    }

    mutating func name() throws -> String {
        position += 1
        var out: [UInt8] = []
        while position < bytes.count, Self.isRegular(bytes[position]) {
            if bytes[position] == UInt8(ascii: "#"), position + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(position + 1)...(position + 2)], as: UTF8.self), radix: 16) {
                out.append(value)
                position += 3
            } else {
                out.append(bytes[position])
                position += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hexString() throws -> [UInt8] {
        position += 1
        var digits: [UInt8] = []
        while position < bytes.count, bytes[position] != UInt8(ascii: ">") {
            let byte = bytes[position]
            if !Self.isWhitespace(byte) {
                guard let value = Self.hexValue(byte) else { throw error("bad hex digit in string") }
                digits.append(value)
            }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated hex string") }
        position += 1
        if digits.count % 2 == 1 { digits.append(0) }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    mutating func literalString() throws -> [UInt8] {
        position += 1
        var depth = 1
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case 10: break
                case 13: if position < bytes.count, bytes[position] == 10 { position += 1 }
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(escaped - UInt8(ascii: "0"))
                    for _ in 0..<2 where position < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[position]) {
                        value = value * 8 + Int(bytes[position] - UInt8(ascii: "0"))
                        position += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                default: out.append(escaped)
                }
            case UInt8(ascii: "("):
                depth += 1
                out.append(byte)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return out }
                out.append(byte)
            default:
                out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// A name as written in a file (`#xx` for bytes that are not regular printable ASCII).
    static func encodeName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in name.utf8 {
            if byte > 0x20, byte < 0x7F, isRegular(byte), byte != UInt8(ascii: "#") {
                out.append(byte)
            } else {
                out += Array(String(format: "#%02X", byte).utf8)
            }
        }
        return out
    }
}
