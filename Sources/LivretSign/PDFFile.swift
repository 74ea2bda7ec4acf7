import Foundation

/// The structure of a PDF whose cross-reference data is a classic `xref` table (what cairo 1.16
/// writes, and what each incremental update here appends): the last trailer, found from the last
/// `startxref`, and the offsets of the objects over every revision (newest first).
struct PDFFile {
    let bytes: [UInt8]
    /// The latest trailer.
    let trailer: PDFDictionary
    /// Offset of the latest cross-reference section (the `startxref` value).
    let startXref: Int
    /// Object number → (generation, offset) of in-use objects.
    let offsets: [Int: (generation: Int, offset: Int)]

    /// Reads the structure; `name` is used in errors.
    init(_ bytes: [UInt8], name: String) throws(SignError) {
        self.bytes = bytes
        guard bytes.starts(with: Array("%PDF-".utf8)) else { throw SignError(.pdf, file: name, "not a PDF file (no %PDF- header)") }
        guard let startxrefAt = Self.lastOccurrence(of: Array("startxref".utf8), in: bytes) else {
            throw SignError(.pdf, file: name, "no startxref: the file is truncated or damaged")
        }
        var syntax = PDFSyntax(bytes, at: startxrefAt + 9)
        guard let start = Int(syntax.token()), start >= 0, start < bytes.count else {
            throw SignError(.pdf, file: name, "the startxref offset is not valid")
        }
        startXref = start
        var offsets: [Int: (generation: Int, offset: Int)] = [:]
        var freed: Set<Int> = []
        var latestTrailer: PDFDictionary?
        var section: Int? = start
        var visited: Set<Int> = []
        do {
            while let at = section {
                guard at >= 0, at < bytes.count, visited.insert(at).inserted else {
                    throw PDFSyntaxError(offset: at, message: "the /Prev chain of cross-reference sections is broken")
                }
                var reader = PDFSyntax(bytes, at: at)
                reader.skipWhitespace()
                guard reader.peek("xref") else {
                    throw SignError(.pdf, file: name,
                                    "its cross-reference data is a stream (PDF 1.5 xref stream), which this signer cannot update; write a classic xref table")
                }
                reader.position += 4
                while true {
                    let word = reader.token()
                    if word == "trailer" { break }
                    guard let first = Int(word), let count = Int(reader.token()), first >= 0, count >= 0 else {
                        throw reader.error("bad cross-reference subsection header")
                    }
                    for index in 0..<count {
                        guard let offset = Int(reader.token()), let generation = Int(reader.token()) else {
                            throw reader.error("bad cross-reference entry")
                        }
                        let kind = reader.token()
                        let number = first + index
                        guard offsets[number] == nil, !freed.contains(number) else { continue }   // a newer section wins
                        if kind == "n" {
                            if number != 0 { offsets[number] = (generation, offset) }
                        } else if kind == "f" {
                            freed.insert(number)
                        } else {
                            throw reader.error("bad cross-reference entry type '\(kind)'")
                        }
                    }
                }
                guard case .dictionary(let trailer) = try reader.object() else { throw reader.error("the trailer is not a dictionary") }
                if latestTrailer == nil { latestTrailer = trailer }
                section = trailer["Prev"]?.integer
            }
        } catch let error as SignError {
            throw error
        } catch {
            throw SignError(.pdf, file: name, "damaged cross-reference data (\(error))")
        }
        self.offsets = offsets
        trailer = latestTrailer!
        if trailer["Encrypt"] != nil { throw SignError(.pdf, file: name, "the PDF is encrypted") }
        guard trailer["Root"]?.reference != nil else { throw SignError(.pdf, file: name, "the trailer has no /Root") }
    }

    /// The object `number` (its latest revision).
    func object(_ number: Int) throws -> (generation: Int, object: PDFObject) {
        guard let entry = offsets[number] else { throw PDFSyntaxError(offset: 0, message: "object \(number) is not in the cross-reference table") }
        var reader = PDFSyntax(bytes, at: entry.offset)
        let parsed = try reader.indirectObject(number: number)
        return (parsed.generation, parsed.object)
    }

    /// Follows a reference (a direct object is returned as it is).
    func resolve(_ object: PDFObject?) throws -> PDFObject? {
        guard let object else { return nil }
        if let reference = object.reference { return try self.object(reference.number).object }
        return object
    }

    /// The first leaf page of the page tree under the catalog, as (number, generation, dictionary).
    func firstPage(catalog: PDFDictionary) throws -> (number: Int, generation: Int, dictionary: PDFDictionary) {
        guard var node = catalog["Pages"]?.reference else { throw PDFSyntaxError(offset: 0, message: "the catalog has no /Pages") }
        for _ in 0..<64 {
            let (generation, object) = try self.object(node.number)
            guard let dictionary = object.dictionary else { throw PDFSyntaxError(offset: 0, message: "page tree node \(node.number) is not a dictionary") }
            if dictionary["Type"]?.name == "Page" { return (node.number, generation, dictionary) }
            guard let kids = try resolve(dictionary["Kids"])?.array, let first = kids.first?.reference else {
                throw PDFSyntaxError(offset: 0, message: "page tree node \(node.number) has no /Kids")
            }
            node = first
        }
        throw PDFSyntaxError(offset: 0, message: "the page tree is too deep")
    }

    static func lastOccurrence(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index -= 1
        }
        return nil
    }
}
