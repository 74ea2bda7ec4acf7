import CLivretZlib
import Foundation

/// Reads the cross-reference structure of a PDF with classic xref tables (§7.5.4–7.5.6), as
/// cairo 1.16 writes it and as incremental updates (signatures) extend it: every section of the
/// /Prev chain, newest first. Files whose cross-reference is a stream (PDF 1.5 xref streams,
/// cairo ≥ 1.18 with PDF ≥ 1.5) are refused with a clear error.
///
/// The bytes may be the end of a file only (`base` is then the offset of their first byte in
/// the file): objects before it cannot be read, which is all the finisher needs.
struct PDFFileReader {
    struct Entry: Hashable {
        var offset: Int
        var generation: Int
        var inUse: Bool
    }

    let bytes: [UInt8]
    let base: Int
    /// The newest trailer (its /Prev points to the older sections).
    private(set) var trailer: [String: PDFObject] = [:]
    /// Object number → where it is, newest section winning.
    private(set) var entries: [Int: Entry] = [:]
    /// Offset of the newest xref section (the file's `startxref`).
    private(set) var startXref = 0

    init(_ bytes: [UInt8], base: Int = 0) throws(PDFSyntaxError) {
        self.bytes = bytes
        self.base = base
        startXref = try Self.findStartXref(bytes)
        var next: Int? = startXref
        var visited: Set<Int> = []
        var first = true
        while let offset = next {
            guard visited.insert(offset).inserted else { throw PDFSyntaxError(offset: offset, message: "/Prev chain loops") }
            let (sectionEntries, sectionTrailer) = try readSection(at: offset)
            for (number, entry) in sectionEntries where entries[number] == nil { entries[number] = entry }
            if first { trailer = sectionTrailer; first = false }
            next = sectionTrailer["Prev"]?.integerValue
        }
    }

    private static func findStartXref(_ bytes: [UInt8]) throws(PDFSyntaxError) -> Int {
        let keyword = Array("startxref".utf8)
        let lowest = max(0, bytes.count - 2048)
        var index = bytes.count - keyword.count
        while index >= lowest {
            if bytes[index] == keyword[0] && Array(bytes[index..<index + keyword.count]) == keyword {
                var parser = PDFObjectParser(bytes, at: index + keyword.count)
                if case .integer(let offset) = try parser.parseObject() { return offset }
                break
            }
            index -= 1
        }
        throw PDFSyntaxError(offset: bytes.count, message: "no startxref near the end: not a PDF, or a truncated one")
    }

    private func local(_ offset: Int) throws(PDFSyntaxError) -> Int {
        let index = offset - base
        guard index >= 0 && index < bytes.count else {
            throw PDFSyntaxError(offset: offset, message: "offset outside the file")
        }
        return index
    }

    private func readSection(at offset: Int) throws(PDFSyntaxError) -> ([Int: Entry], [String: PDFObject]) {
        var parser = PDFObjectParser(bytes, at: try local(offset))
        parser.skipWhiteAndComments()
        guard parser.regularToken() == "xref" else {
            throw PDFSyntaxError(offset: offset, message: "no classic xref table here (an xref stream? only classic tables are read)")
        }
        var found: [Int: Entry] = [:]
        while true {
            parser.skipWhiteAndComments()
            let token = parser.regularToken()
            if token == "trailer" { break }
            guard let start = Int(token) else { throw parser.error("bad xref subsection header") }
            parser.skipWhiteAndComments()
            guard let count = Int(parser.regularToken()) else { throw parser.error("bad xref subsection count") }
            for number in start..<(start + count) {
                parser.skipWhiteAndComments()
                guard let entryOffset = Int(parser.regularToken()) else { throw parser.error("bad xref entry") }
                parser.skipWhiteAndComments()
                guard let generation = Int(parser.regularToken()) else { throw parser.error("bad xref entry") }
                parser.skipWhiteAndComments()
                let kind = parser.regularToken()
                guard kind == "n" || kind == "f" else { throw parser.error("bad xref entry type") }
                found[number] = Entry(offset: entryOffset, generation: generation, inUse: kind == "n")
            }
        }
        guard case .dictionary(let trailer) = try parser.parseObject() else { throw parser.error("trailer is not a dictionary") }
        return (found, trailer)
    }

    /// The object `number`, and where its bytes start and end in the file (`n g obj` … `endobj`).
    func object(_ number: Int) throws(PDFSyntaxError) -> (value: PDFObject, stream: [UInt8]?, start: Int, end: Int) {
        guard let entry = entries[number], entry.inUse else {
            throw PDFSyntaxError(offset: 0, message: "object \(number) is not in the cross-reference table")
        }
        var parser = PDFObjectParser(bytes, at: try local(entry.offset))
        parser.skipWhiteAndComments()
        guard Int(parser.regularToken()) == number else { throw parser.error("object \(number) not found at its offset") }
        parser.skipWhiteAndComments()
        _ = parser.regularToken()
        parser.skipWhiteAndComments()
        guard parser.regularToken() == "obj" else { throw parser.error("object \(number): 'obj' expected") }
        let value = try parser.parseObject()
        parser.skipWhiteAndComments()
        var stream: [UInt8]?
        let save = parser.position
        if parser.regularToken() == "stream" {
            if parser.position < bytes.count && bytes[parser.position] == 0x0D { parser.position += 1 }
            if parser.position < bytes.count && bytes[parser.position] == 0x0A { parser.position += 1 }
            let length: Int
            switch value["Length"] {
            case .integer(let direct)?: length = direct
            case .reference(let lengthNumber, _)?:
                guard case .integer(let indirect) = try object(lengthNumber).value else { throw parser.error("stream /Length is not an integer") }
                length = indirect
            default: throw parser.error("stream without /Length")
            }
            guard length >= 0, parser.position + length <= bytes.count else { throw parser.error("stream runs past the end of the file") }
            stream = Array(bytes[parser.position..<parser.position + length])
            parser.position += length
            parser.skipWhiteAndComments()
            guard parser.regularToken() == "endstream" else { throw parser.error("object \(number): 'endstream' expected") }
            parser.skipWhiteAndComments()
        } else {
            parser.position = save
        }
        guard parser.regularToken() == "endobj" else { throw parser.error("object \(number): 'endobj' expected") }
        while parser.position < bytes.count && (bytes[parser.position] == 0x0A || bytes[parser.position] == 0x0D) { parser.position += 1 }
        return (value, stream, entry.offset, base + parser.position)
    }

    /// An object, following one reference.
    func resolve(_ object: PDFObject?) throws(PDFSyntaxError) -> PDFObject? {
        guard let object else { return nil }
        if case .reference(let number, _) = object { return try self.object(number).value }
        return object
    }
}

/// zlib (FlateDecode, §7.4.4) for the streams livret writes and reads.
enum Flate {
    /// Level-6 zlib data: the same bytes for the same input with one zlib.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = input.withUnsafeBufferPointer { source in
            compress2(&output, &size, source.baseAddress, uLong(input.count), 6)
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        return Array(output.prefix(Int(size)))
    }

    /// The decompressed bytes, or nil when the data is not zlib data or larger than `limit`.
    static func decompress(_ input: [UInt8], expected: Int?, limit: Int = 256 << 20) -> [UInt8]? {
        var capacity = min(limit, max(expected ?? 0, input.count * 4, 1024))
        while true {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = uLong(capacity)
            let status = input.withUnsafeBufferPointer { source in
                uncompress(&output, &size, source.baseAddress, uLong(input.count))
            }
            if status == Z_OK { return Array(output.prefix(Int(size))) }
            guard status == Z_BUF_ERROR, capacity < limit else { return nil }
            capacity = min(limit, capacity * 4)
        }
    }
}
