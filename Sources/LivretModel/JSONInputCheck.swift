import Foundation

/// The sizes the program accepts from its inputs. Values past them are refused early, with the
/// limit named, before any slow work (decoding, typesetting) can be spent on them.
public enum InputLimits {
    /// A canonical livret document (one pupil): 4 MiB. The largest real ones are a few tens of KB;
    /// three years of thirty disciplines with appreciations at the long-text limit stay below it.
    public static let documentBytes = 4 << 20
    /// The largest document file read at all (64 MiB): between `documentBytes` and this, it is
    /// still scanned once so that the refusal names the oversize field.
    public static let documentScanBytes = 64 << 20
    /// A layout file (`Layouts/*.json`): 1 MiB (the bundled ones are a few KB).
    public static let layoutBytes = 1 << 20
    /// A family name, first names, a teacher's name: 100 characters (the LSL schema allows 65
    /// for a family name and 50 for a first name; SIECLE's own fields are at most 100).
    public static let nameCharacters = 100
    /// Any other text field (discipline, regroupement, addresses, codes…): 500 characters (the
    /// LSL schema's text fields are 300 at most).
    public static let textCharacters = 500
    /// An appreciation or an avis: 8,000 characters, far past what a page can hold at the
    /// minimum size (a longer one is refused by the layout anyway, but only after typesetting).
    public static let longTextCharacters = 8_000
    /// A key of a JSON object: 100 characters.
    public static let keyCharacters = 100
    /// Nesting of JSON arrays and objects: 64 levels.
    public static let depth = 64
    /// Digits of a JSON number (integer and fraction parts): 15, what a double holds exactly.
    public static let numberDigits = 15
}

/// A validating pass over the bytes of a JSON text, run before it is decoded: JSONDecoder and
/// JSONSerialization silently keep one value of a duplicated key, accept numbers they then
/// round to zero or infinity, and spend time and memory on megabyte-long strings.
///
/// The pass reports, each with its JSON path (`eleve.evaluations[2].moyennes.T1`):
/// - a key that appears twice in one object,
/// - a string longer than its limit (`stringLimit`, given the path), a key longer than
///   `InputLimits.keyCharacters`,
/// - a number with more than `InputLimits.numberDigits` digits, one too large for a double, or
///   one that a double rounds to zero (`1e-400`),
/// - nesting deeper than `InputLimits.depth`.
///
/// It stops at the first syntax error (with `syntaxError` set): the decoder's own message then
/// says where the syntax breaks. It never builds the values, only the keys of each object.
public struct JSONInputCheck: Sendable {
    /// One problem, at a JSON path (empty for the whole text).
    public struct Problem: Hashable, Sendable {
        /// Where: a JSON path such as `scolarites[0].evaluations`.
        public var path: String
        /// What is wrong, in plain words.
        public var message: String
    }

    /// The longest string accepted at `path` (called only for strings longer than `shortLimit`).
    public var stringLimit: @Sendable (_ path: String) -> Int
    /// Strings up to this many characters are always accepted.
    public var shortLimit: Int
    /// Keys whose numbers must be integers (`numero`, `effectif`…): `1.5` or `1e3` there is
    /// reported as such (JSONDecoder only says "not valid JSON", without the field).
    public var integerKeys: Set<String>

    /// A check with the given limits.
    public init(shortLimit: Int, integerKeys: Set<String> = [], stringLimit: @escaping @Sendable (_ path: String) -> Int) {
        self.shortLimit = shortLimit
        self.integerKeys = integerKeys
        self.stringLimit = stringLimit
    }

    /// The same limit for every string.
    public init(stringLimit: Int) {
        self.init(shortLimit: stringLimit, stringLimit: { _ in stringLimit })
    }

    /// Problems found in `data` (empty when none), and whether a syntax error stopped the pass.
    public func problems(in data: Data) -> (problems: [Problem], syntaxError: Bool) {
        data.withUnsafeBytes { bytes in
            var scanner = Scanner(bytes: bytes, check: self)
            do {
                try scanner.value(depth: 0)
                scanner.skipSpace()
                if scanner.position != bytes.count { return (scanner.problems, true) }
                return (scanner.problems, false)
            } catch {
                return (scanner.problems, true)
            }
        }
    }

    struct SyntaxError: Error {}

    enum Component {
        case key(String)
        case index(Int)
    }

    static func path(_ components: [Component]) -> String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let shown = key.count > MessageText.quoteLimit ? String(key.prefix(MessageText.quoteLimit)) + "…" : key
                text += text.isEmpty ? shown : "." + shown
            }
        }
        return text
    }

    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        let check: JSONInputCheck
        var position = 0
        var components: [Component] = []
        var problems: [Problem] = []

        init(bytes: UnsafeRawBufferPointer, check: JSONInputCheck) {
            self.bytes = bytes
            self.check = check
        }

        var path: String { JSONInputCheck.path(components) }

        mutating func report(_ message: String) { problems.append(Problem(path: path, message: message)) }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        func peek() throws -> UInt8 {
            guard position < bytes.count else { throw SyntaxError() }
            return bytes[position]
        }

        mutating func expect(_ byte: UInt8) throws {
            guard try peek() == byte else { throw SyntaxError() }
            position += 1
        }

        mutating func value(depth: Int) throws {
            skipSpace()
            switch try peek() {
            case UInt8(ascii: "{"):
                try object(depth: depth + 1)
            case UInt8(ascii: "["):
                try array(depth: depth + 1)
            case UInt8(ascii: "\""):
                let (count, _) = try string(decodingUpTo: 0)
                if count > check.shortLimit {
                    let limit = check.stringLimit(path)
                    if count > limit { report("a text of \(count) characters is over the limit of \(limit)") }
                }
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
            default:
                throw SyntaxError()
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw SyntaxError() }
            for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { throw SyntaxError() }
            position += count
        }

        mutating func object(depth: Int) throws {
            if depth > InputLimits.depth {
                report("nested more than \(InputLimits.depth) levels deep")
                throw SyntaxError()
            }
            position += 1  // {
            skipSpace()
            if try peek() == UInt8(ascii: "}") { position += 1; return }
            var keys = Set<String>()
            while true {
                skipSpace()
                guard try peek() == UInt8(ascii: "\"") else { throw SyntaxError() }
                let (count, key) = try string(decodingUpTo: InputLimits.keyCharacters)
                components.append(.key(key))
                if count > InputLimits.keyCharacters {
                    report("a key of \(count) characters is over the limit of \(InputLimits.keyCharacters)")
                } else if !keys.insert(key).inserted {
                    report("duplicate key: '\(MessageText.escaped(key))' appears twice in the same object (which value counts would depend on the program reading it)")
                }
                skipSpace()
                try expect(UInt8(ascii: ":"))
                try value(depth: depth)
                components.removeLast()
                skipSpace()
                switch try peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return
                default: throw SyntaxError()
                }
            }
        }

        mutating func array(depth: Int) throws {
            if depth > InputLimits.depth {
                report("nested more than \(InputLimits.depth) levels deep")
                throw SyntaxError()
            }
            position += 1  // [
            skipSpace()
            if try peek() == UInt8(ascii: "]") { position += 1; return }
            var index = 0
            while true {
                components.append(.index(index))
                try value(depth: depth)
                components.removeLast()
                index += 1
                skipSpace()
                switch try peek() {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return
                default: throw SyntaxError()
                }
            }
        }

        /// Reads a string at `position` (on its opening quote); returns its length in Unicode
        /// scalars and, when `limit` > 0 and the string is no longer than that, its decoded value.
        mutating func string(decodingUpTo limit: Int) throws -> (count: Int, value: String) {
            position += 1  // "
            var count = 0
            var decoded: [UInt8] = []
            let decoding = limit > 0
            func append(_ scalar: Unicode.Scalar) {
                guard decoding, count <= limit else { return }
                decoded.append(contentsOf: Array(String(scalar).utf8))
            }
            while true {
                guard position < bytes.count else { throw SyntaxError() }
                let byte = bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    if !decoding || count > limit { return (count, "") }
                    return (count, String(decoding: decoded, as: UTF8.self))
                case 0x00..<0x20:
                    throw SyntaxError()  // raw control characters are not allowed in JSON strings
                case UInt8(ascii: "\\"):
                    guard position + 1 < bytes.count else { throw SyntaxError() }
                    let escape = bytes[position + 1]
                    position += 2
                    count += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                        append(Unicode.Scalar(escape))
                    case UInt8(ascii: "b"): append("\u{08}")
                    case UInt8(ascii: "f"): append("\u{0C}")
                    case UInt8(ascii: "n"): append("\n")
                    case UInt8(ascii: "r"): append("\r")
                    case UInt8(ascii: "t"): append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code), position + 1 < bytes.count,
                            bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                        {
                            let save = position
                            position += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                position = save
                            }
                        }
                        append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default:
                        throw SyntaxError()
                    }
                default:
                    // A run of plain bytes: count the scalars (bytes that do not continue a UTF-8 sequence).
                    let start = position
                    while position < bytes.count {
                        let b = bytes[position]
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                        if b & 0xC0 != 0x80 { count += 1 }
                        position += 1
                    }
                    if decoding, count <= limit { decoded.append(contentsOf: bytes[start..<position]) }
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard position + 4 <= bytes.count else { throw SyntaxError() }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[position]
                let digit: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
                default: throw SyntaxError()
                }
                code = code << 4 | UInt32(digit)
                position += 1
            }
            return code
        }

        mutating func digits() -> (count: Int, significant: Bool) {
            var count = 0
            var significant = false
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                if bytes[position] != UInt8(ascii: "0") { significant = true }
                count += 1
                position += 1
            }
            return (count, significant)
        }

        mutating func number() throws {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            let whole = digits()
            guard whole.count > 0 else { throw SyntaxError() }
            if whole.count > 1 && bytes[position - whole.count] == UInt8(ascii: "0") { throw SyntaxError() }  // leading zero
            var fraction = (count: 0, significant: false)
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                fraction = digits()
                guard fraction.count > 0 else { throw SyntaxError() }
            }
            var exponentDigits = 0
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
                exponentDigits = digits().count
                guard exponentDigits > 0 else { throw SyntaxError() }
            }
            let length = position - start
            let shown = length > MessageText.quoteLimit
                ? String(decoding: bytes[start..<(start + MessageText.quoteLimit)], as: UTF8.self) + "… (\(length) characters)"
                : String(decoding: bytes[start..<position], as: UTF8.self)
            if whole.count + fraction.count > InputLimits.numberDigits {
                report("the number \(shown) has \(whole.count + fraction.count) digits: expected a number of at most \(InputLimits.numberDigits) digits")
                return
            }
            if case .key(let key) = components.last, check.integerKeys.contains(key), fraction.count > 0 || exponentDigits > 0 {
                report("expected an integer, found \(shown)")
                return
            }
            guard exponentDigits > 0 else { return }
            if exponentDigits > 6 {
                report("the number \(shown) has an exponent out of range: expected a plain number such as 12.5")
                return
            }
            let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) ?? .nan
            if !value.isFinite {
                report("the number \(shown) is too large: expected a plain number such as 12.5")
            } else if value == 0 && (whole.significant || fraction.significant) {
                report("the number \(shown) is too small to be told from 0: expected a plain number such as 12.5")
            } else if value != 0 && abs(value) < 1e-300 {
                report("the number \(shown) is too small: expected a plain number such as 12.5")
            }
        }
    }
}
