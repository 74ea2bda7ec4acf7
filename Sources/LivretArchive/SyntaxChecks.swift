import Foundation

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

/// What a file name says as a NAMASTE conformance declaration (`0=ocfl_object_1.1` in an object
/// root, `0=ocfl_1.1` in a storage root), for the declaration codes E002–E007 and E075–E080.
enum DeclarationName: Equatable {
    /// `0=<prefix><version>` with a version this validator knows (`1.0`, `1.1`).
    case conforming(version: String)
    /// `0=` followed by another dvalue (E006 for objects, E079 for storage roots).
    case otherDValue
    /// `T=<prefix>N.N` with a tag T other than 0 (E005, E078).
    case wrongTag
    /// `<prefix>N.N` without the `T=` of NAMASTE, or with a broken one (`0-`, `=`) (E004, E077).
    case noTag

    /// Classifies `name`; nil when it is not a declaration nor an attempt at one (e.g. a copy of
    /// the spec `ocfl_1.1.md`, which a storage root may hold).
    static func of(_ name: String, prefix: String) -> DeclarationName? {
        if name.hasPrefix("0=") {
            let dvalue = name.dropFirst(2)
            if let version = ["1.0", "1.1"].first(where: { dvalue == prefix + $0 }) { return .conforming(version: version) }
            return .otherDValue
        }
        guard let range = name.range(of: prefix, options: .backwards) else { return nil }
        let version = Array(name[range.upperBound...].utf8)
        guard let dot = version.firstIndex(of: UInt8(ascii: ".")), dot > 0, dot + 1 < version.count,
            version[..<dot].allSatisfy(SyntaxChecks.isDigit), version[(dot + 1)...].allSatisfy(SyntaxChecks.isDigit)
        else { return nil }
        let head = Array(name[..<range.lowerBound].utf8)
        if head.isEmpty || head == [UInt8(ascii: "=")] { return .noTag }
        let digits = head.dropLast()
        guard !digits.isEmpty, digits.allSatisfy(SyntaxChecks.isDigit) else { return nil }
        if head.last == UInt8(ascii: "=") { return .wrongTag }  // "0=" was handled above: T is not 0
        return SyntaxChecks.isAlpha(head.last!) || SyntaxChecks.isDigit(head.last!) ? nil : .noTag
    }
}

/// The codes of the declaration rules: an object's (E002, E004–E007) or a storage root's (E075, E077–E080).
struct DeclarationCodes {
    /// NAMASTE, the pattern T=dvalue, T = 0, the dvalue, the text content.
    let namaste, pattern, tag, dvalue, content: String

    static let object = DeclarationCodes(namaste: "E002", pattern: "E004", tag: "E005", dvalue: "E006", content: "E007")
    static let storageRoot = DeclarationCodes(namaste: "E075", pattern: "E077", tag: "E078", dvalue: "E079", content: "E080")
}

extension DeclarationName {
    /// Checks the declarations (and attempts at one) among the file `names` of `directory`,
    /// reporting each broken rule with `codes`; returns the `0=` files, each with the version it
    /// declares (nil when its dvalue is not `<prefix>1.x`).
    static func check(
        _ names: [String], in directory: String, prefix: String, codes: DeclarationCodes, report: (_ code: String, _ message: String) -> Void
    ) -> [(name: String, version: String?)] {
        var declarations: [(name: String, version: String?)] = []
        for name in names {
            switch of(name, prefix: prefix) {
            case .conforming(let version):
                declarations.append((name, version))
                if (try? FileSystem.readFile(directory + "/" + name)) != Data("\(prefix)\(version)\n".utf8) {
                    report(codes.content, "'\(name)' does not contain '\(prefix)\(version)\\n'")
                    report(codes.namaste, "'\(name)' is not a NAMASTE declaration: its content is not its dvalue and a newline")
                }
            case .otherDValue:
                declarations.append((name, nil))
                report(codes.dvalue, "declaration '\(name)' is not 0=\(prefix)1.x")
                report(codes.namaste, "'\(name)' is not a NAMASTE declaration of \(prefix)1.x")
            case .wrongTag:
                report(codes.tag, "declaration '\(name)' has another tag than 0 before '='")
                report(codes.namaste, "'\(name)' is not a NAMASTE declaration: T must be 0")
            case .noTag:
                report(codes.pattern, "declaration '\(name)' is not of the form T=dvalue (0=\(prefix)1.1)")
                report(codes.namaste, "'\(name)' is not a NAMASTE declaration: it lacks 'T='")
            case nil: continue
            }
        }
        return declarations
    }
}

/// Fixity algorithms (§3.5.6): the spec's controlled vocabulary and those of extension 0009
/// (`0009-digest-algorithms`, which obsoletes 0001 with the same list).
enum FixityAlgorithms {
    /// Hex length of the extension algorithms' digests (`size` is a decimal number, not hex).
    static let extensionHexLengths: [String: Int] = ["blake2b-160": 40, "blake2b-256": 64, "blake2b-384": 96, "sha512/256": 64]

    /// Whether `name` is an algorithm a fixity block may use (E026, E056).
    static func isKnown(_ name: String) -> Bool {
        DigestAlgorithm(rawValue: name) != nil || extensionHexLengths[name] != nil || name == "size"
    }

    /// Whether `value` has the form of a `name` digest: hex of the right length (either case), or
    /// for `size` a decimal number without padding.
    static func isWellFormed(_ value: String, algorithm name: String) -> Bool {
        if let algorithm = DigestAlgorithm(rawValue: name) { return algorithm.isWellFormed(value) }
        if let length = extensionHexLengths[name] { return value.utf8.count == length && value.utf8.allSatisfy(isHexDigit) }
        if name == "size" {
            let bytes = Array(value.utf8)
            return !bytes.isEmpty && bytes.allSatisfy(SyntaxChecks.isDigit) && (bytes.count == 1 || bytes[0] != UInt8(ascii: "0"))
        }
        return false
    }

    /// The code of the rule "must be encoded using hex" for the spec's algorithms (E029–E032).
    static func hexEncodingCode(_ name: String) -> String? {
        switch DigestAlgorithm(rawValue: name) {
        case .sha1: return "E029"
        case .sha256: return "E030"
        case .sha512: return "E031"
        case .blake2b512: return "E032"
        default: return nil
        }
    }
}
