import Foundation
import LivretModel

/// One line of `data/index.csv` (and of `data/index.pdf`): a candidate of the package.
public struct JuryCandidate: Sendable, Equatable, Codable {
    /// `ok` (livret included), `absent` (not in the archive) or `non-signe` (latest livret unsigned).
    public enum Status: String, Sendable, Codable {
        case ok
        case absent
        case unsigned = "non-signe"
    }

    public var ine: String
    public var nom: String
    public var prenoms: String
    public var division: String
    public var serie: String
    /// The school year of the livret (`2015-2016`).
    public var annee: String
    /// The archive version packaged (`v2`).
    public var version: String
    /// SHA-256 of `data/<INE>/livret.pdf` (hex).
    public var sha256: String
    public var pages: Int
    public var status: Status

    /// A candidate line.
    public init(ine: String, nom: String = "", prenoms: String = "", division: String = "", serie: String = "", annee: String = "",
                version: String = "", sha256: String = "", pages: Int = 0, status: Status) {
        self.ine = ine
        self.nom = nom
        self.prenoms = prenoms
        self.division = division
        self.serie = serie
        self.annee = annee
        self.version = version
        self.sha256 = sha256
        self.pages = pages
        self.status = status
    }
}

/// `data/index.csv`: RFC 4180 CSV (comma, CRLF-free LF lines, quotes when needed), a header line,
/// then one line per candidate in the French class-list order.
public enum JuryIndexCSV {
    /// The header line's fields.
    public static let header = ["ine", "nom", "prenoms", "division", "serie", "annee", "version", "sha256", "pages", "statut"]

    /// The file's bytes.
    public static func encode(_ candidates: [JuryCandidate]) -> Data {
        var text = header.joined(separator: ",") + "\n"
        for c in candidates {
            let fields = [c.ine, c.nom, c.prenoms, c.division, c.serie, c.annee, c.version, c.sha256, String(c.pages), c.status.rawValue]
            text += fields.map(quote).joined(separator: ",") + "\n"
        }
        return Data(text.utf8)
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads the file back; errors name the line.
    public static func decode(_ data: Data, name: String) throws(JuryError) -> [JuryCandidate] {
        guard let text = String(data: data, encoding: .utf8) else { throw JuryError(.refused, "\(name) is not UTF-8 text") }
        let records = try parse(text, name: name)
        guard let first = records.first, first == header else {
            throw JuryError(.refused, "\(name), line 1: the header is not \(header.joined(separator: ","))")
        }
        var result: [JuryCandidate] = []
        for (index, fields) in records.dropFirst().enumerated() {
            guard fields.count == header.count, let pages = Int(fields[8]), let status = JuryCandidate.Status(rawValue: fields[9]) else {
                throw JuryError(.refused, "\(name), line \(index + 2): not a candidate line (\(header.count) fields, pages a number, statut ok/absent/non-signe)")
            }
            result.append(JuryCandidate(ine: fields[0], nom: fields[1], prenoms: fields[2], division: fields[3], serie: fields[4], annee: fields[5],
                                        version: fields[6], sha256: fields[7], pages: pages, status: status))
        }
        return result
    }

    static func parse(_ text: String, name: String) throws(JuryError) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var atFieldStart = true
        var characters = Array(text)
        if characters.last != "\n" { characters.append("\n") }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" { field.append("\""); index += 1 } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && atFieldStart {
                quoted = true
            } else if character == "," {
                fields.append(field); field = ""; atFieldStart = true; index += 1; continue
            } else if character == "\n" {
                fields.append(field); records.append(fields); fields = []; field = ""; atFieldStart = true; index += 1; continue
            } else if character != "\r" {
                field.append(character)
            }
            atFieldStart = false
            index += 1
        }
        if quoted { throw JuryError(.refused, "\(name): a quoted field is not closed") }
        return records
    }
}

/// The candidate list given to `jury-package --candidates`: one INE per line (the first field of a
/// CSV line); blank lines and a first line that is a header (`ine`…) are skipped.
public enum CandidateList {
    /// The INEs of the file, in file order, without duplicates; errors name the file and line.
    public static func read(_ data: Data, name: String) throws(JuryError) -> [String] {
        guard let text = String(data: data, encoding: .utf8) else { throw JuryError(.usage, "\(name): not UTF-8 text") }
        var result: [String] = []
        var seen = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let first = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" }).first.map(String.init)?
                .trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) ?? ""
            if index == 0, first.lowercased().hasPrefix("ine") { continue }
            let ine = first.uppercased()
            guard Identifiers.ineKind(ine) != nil else {
                throw JuryError(.usage, "\(name), line \(index + 1): '\(first)' is not an INE")
            }
            if seen.insert(ine).inserted { result.append(ine) }
        }
        guard !result.isEmpty else { throw JuryError(.usage, "\(name): no candidate") }
        return result
    }
}
