import Foundation

/// The file names of a print run, one per division code, INE or other identifier.
///
/// `fileName` is injective: ASCII letters, digits and `-` are kept; every other byte of the
/// UTF-8 text (including `_`, the escape character itself, `/`, `.`, spaces, accents) becomes
/// `_` and two upper-case hex digits. Two different codes therefore never get the same name
/// (`1S/1` → `1S_2F1`, `1S_1` → `1S_5F1`), and no name is `.`, `..`, hidden or a path.
///
/// What an encoding alone cannot rule out is checked by `collisions`: names equal but for case
/// (`1s` and `1S`, one file on a case-insensitive file system), and a division's class file
/// standing for another's hand-over sheet (`A-emargement` and `A`).
public enum OutputNames {
    /// The file name standing for `text` (without extension). The empty text is `_`.
    public static func fileName(_ text: String) -> String {
        if text.isEmpty { return "_" }
        var name = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                name += "_" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return name
    }

    /// The names a print run writes for division `code`, beside `print-run.json`.
    public static func divisionNames(_ code: String) -> [String] {
        let base = fileName(code)
        return ["\(base).pdf", "\(base)-emargement.pdf", "\(base)-recepisses.pdf", base]
    }

    /// The longest file name a file system takes (bytes).
    static let maximumLength = 255

    /// Pairs of division codes whose output names would clash (equal ignoring case, or one
    /// code's file standing for another's), and codes whose names are too long: each as a
    /// message naming both codes. Empty when every division gets files of its own.
    public static func collisions(_ codes: [String], reserved: [String]) -> [String] {
        var owner: [String: String] = [:]
        for name in reserved { owner[name.lowercased()] = "" }
        var problems: [String] = []
        for code in codes {
            for name in divisionNames(code) {
                if name.utf8.count > maximumLength {
                    problems.append("division '\(PipelineError.quoted(code))': its file name \(name.prefix(40))… is longer than \(maximumLength) bytes")
                    break
                }
                let key = name.lowercased()
                if let other = owner[key], other != code {
                    problems.append(other.isEmpty
                        ? "division '\(PipelineError.quoted(code))' would be written as \(name), a name the print run keeps for itself"
                        : "divisions '\(PipelineError.quoted(other))' and '\(PipelineError.quoted(code))' would share the file \(name) (names that differ only in case are one file on some systems)")
                    break
                }
                owner[key] = code
            }
        }
        return problems
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
