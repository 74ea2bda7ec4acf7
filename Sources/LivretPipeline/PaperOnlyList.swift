import Foundation
import LivretModel

/// The families who refused online access: `ine;nom;prenom;division` (UTF-8, a header line,
/// `;`-separated, fields optionally in double quotes as spreadsheets write them).
public struct PaperOnlyList: Sendable {
    /// One INE of the list and its line number (1-based).
    public struct Entry: Hashable, Sendable {
        /// The INE, upper-cased.
        public var ine: String
        /// Its line in the file.
        public var line: Int
    }

    /// The INEs, in the order of the file.
    public var entries: [Entry]

    /// The largest list read: 16 MiB (a line is about 60 bytes; 4,000 pupils make 240 KB).
    static let maxBytes = 16 << 20

    /// Reads the list; a line without an INE, or a file that is not UTF-8 text, is refused naming the line.
    public static func read(_ url: URL) throws(PipelineError) -> PaperOnlyList {
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > maxBytes {
            throw PipelineError.refused("\(url.path): \(size) bytes is over the size limit of a --paper-only list (\(maxBytes) bytes): not read")
        }
        let data: Data
        do throws(IOError) { data = try FileIO.read(url.path) } catch { throw .io(error) }  // exit 74, naming the file
        guard var text = String(data: data, encoding: .utf8) else {
            throw PipelineError.refused("\(url.path): not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var entries: [Entry] = []
        var ineColumn: Int?
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(["\r"]))
            if line.isEmpty { continue }
            let fields = Self.fields(line)
            guard let column = ineColumn else {
                guard let position = fields.firstIndex(where: { $0.lowercased() == "ine" }) else {
                    throw PipelineError.refused("\(url.path):\(index + 1): the header has no 'ine' column (expected ine;nom;prenom;division)")
                }
                ineColumn = position
                continue
            }
            guard column < fields.count, !fields[column].isEmpty else {
                throw PipelineError.refused("\(url.path):\(index + 1): no INE on this line")
            }
            entries.append(Entry(ine: fields[column].uppercased(), line: index + 1))
        }
        return PaperOnlyList(entries: entries)
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = iterator.next()
        while let character = pending {
            pending = iterator.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" { current.append("\""); pending = iterator.next() } else { quoted = false }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else if character == ";" {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
