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
        guard parser.token(is: "xref") else {
            throw PDFSyntaxError(offset: offset, message: "no classic xref table here (an xref stream? only classic tables are read)")
        }
        var found: [Int: Entry] = [:]
        while true {
            parser.skipWhiteAndComments()
            let tokenStart = parser.position
            if parser.token(is: "trailer") { break }
            parser.position = tokenStart
            guard let start = parser.unsignedToken() else { throw parser.error("bad xref subsection header") }
            parser.skipWhiteAndComments()
            guard let count = parser.unsignedToken() else { throw parser.error("bad xref subsection count") }
            for number in start..<(start + count) {
                parser.skipWhiteAndComments()
                guard let entryOffset = parser.unsignedToken() else { throw parser.error("bad xref entry") }
                parser.skipWhiteAndComments()
                guard let generation = parser.unsignedToken() else { throw parser.error("bad xref entry") }
                parser.skipWhiteAndComments()
                let kind = parser.position
                guard parser.tokenEnd(from: kind) == kind + 1, bytes[kind] == UInt8(ascii: "n") || bytes[kind] == UInt8(ascii: "f") else {
                    throw parser.error("bad xref entry type")
                }
                parser.position = kind + 1
                found[number] = Entry(offset: entryOffset, generation: generation, inUse: bytes[kind] == UInt8(ascii: "n"))
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
        guard parser.unsignedToken() == number else { throw parser.error("object \(number) not found at its offset") }
        parser.skipWhiteAndComments()
        _ = parser.unsignedToken()
        parser.skipWhiteAndComments()
        guard parser.token(is: "obj") else { throw parser.error("object \(number): 'obj' expected") }
        let value = try parser.parseObject()
        parser.skipWhiteAndComments()
        var stream: [UInt8]?
        let save = parser.position
        if parser.token(is: "stream") {
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
            guard parser.token(is: "endstream") else { throw parser.error("object \(number): 'endstream' expected") }
            parser.skipWhiteAndComments()
        } else {
            parser.position = save
        }
        guard parser.token(is: "endobj") else { throw parser.error("object \(number): 'endobj' expected") }
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
    /// The level of the streams livret writes for every file (page contents it rewrites, the
    /// embedded source): zlib's fastest levels cost a quarter of the default level's time for
    /// streams about a tenth larger. Level 6 for what is compressed once per process.
    static let fast: Int32 = 2

    /// zlib data at `level` (1…9): the same bytes for the same input with one zlib.
    static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        let bound = Int(compressBound(uLong(input.count)))
        var status = Z_OK
        let output = [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            var size = uLong(bound)
            status = input.withUnsafeBufferPointer { source in
                compress2(buffer.baseAddress, &size, source.baseAddress, uLong(input.count), level)
            }
            count = status == Z_OK ? Int(size) : 0
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        return output
    }

    /// The decompressed bytes, or nil when the data is not zlib data (or stops short) or
    /// inflates to more than `limit` bytes. `expected`: the size to make room for first.
    static func decompress(_ input: [UInt8], expected: Int?, limit: Int = 256 << 20) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var capacity = min(limit, max(expected ?? 0, input.count * 8, 1024))
        return input.withUnsafeBufferPointer { source -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let done = output.count
                var status = Z_OK
                output.append(contentsOf: repeatElement(0, count: capacity - done))
                output.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress! + done
                    stream.avail_out = uInt(capacity - done)
                    status = inflate(&stream, Z_NO_FLUSH)
                }
                let produced = capacity - done - Int(stream.avail_out)
                if status == Z_STREAM_END {
                    output.removeLast(capacity - done - produced)
                    return output
                }
                // Out of room: grow; anything else (bad data, input ended early) fails.
                guard status == Z_OK || status == Z_BUF_ERROR, stream.avail_out == 0, capacity < limit else { return nil }
                capacity = min(limit, capacity * 2)
            }
        }
    }
}
