import CXMLBridge
import Foundation
import LivretModel

/// A parsed XML file: libxml2's tree behind the C bridge, with the file's name for messages.
///
/// The C document never leaves this file: readers get `XMLTreeNode` values from `root()`,
/// the schema check gets issues from `validate(against:)`.
final class XMLFile {
    let fileName: String
    let source: SourceText
    private let document: OpaquePointer

    /// Parses `data` (encoding from the XML declaration). Throws the first error libxml2 met.
    init(data: Data, fileName: String) throws(ImportIssue) {
        self.fileName = fileName
        self.source = SourceText(data: data)
        try XMLFile.precheck(data, fileName: fileName)
        var error = cxml_error()
        let parsed = data.withUnsafeBytes { buffer in
            cxml_parse(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count, fileName, &error)
        }
        guard let parsed else { throw XMLFile.issue(error, fileName: fileName) }
        self.document = parsed
    }

    /// One element handed out while streaming (see `init(streaming:…)`): valid only during the call.
    struct Record {
        fileprivate let pointer: OpaquePointer

        var name: String { String(cString: cxml_name(pointer)) }

        /// The names of the elements that hold the record, from the root down, each with whether it
        /// is the first element of that name under its own parent (what `XMLTreeNode.child` finds).
        var ancestors: [(name: String, isFirst: Bool)] {
            var result: [(name: String, isFirst: Bool)] = []
            var current = cxml_parent(pointer)
            while let node = current {
                let name = cxml_name(node)!
                var isFirst = true
                var previous = cxml_previous_sibling(node)
                while let sibling = previous {
                    if strcmp(cxml_name(sibling), name) == 0 { isFirst = false; break }
                    previous = cxml_previous_sibling(sibling)
                }
                result.append((String(cString: name), isFirst))
                current = cxml_parent(node)
            }
            return result.reversed()
        }

        /// The record and everything under it, as Swift values.
        func tree() -> XMLTreeNode { XMLFile.node(pointer) }
    }

    /// Parses `data` as a stream: each element at depth `recordDepth` (the root is at depth 0) goes to
    /// `record` as soon as its end tag is read, and is freed unless `record` returns true (keep it);
    /// what is kept stays in this file's tree (`root()`). With a `schema` the file is validated as it
    /// streams, and every validation error lands in `invalid` (as `validate(against:)` gives them).
    /// Throws the first parse error; records handed out before it belong to a refused file.
    convenience init(
        streaming data: Data, fileName: String, recordDepth: Int, schema: XMLSchema?, invalid: inout [ImportIssue],
        record: (Record) -> Bool
    ) throws(ImportIssue) {
        try self.init(streaming: .data(data), source: nil, fileName: fileName, recordDepth: recordDepth, schema: schema,
                      invalid: &invalid, record: record)
    }

    /// Where a streamed parse reads its bytes.
    enum Input {
        /// Bytes held in memory.
        case data(Data)
        /// A regular file, read a chunk at a time (never all in memory), at most `limit` bytes.
        case file(path: String, limit: Int)
    }

    /// Reads a regular file for libxml2, a chunk at a time, at most `limit` bytes.
    private final class FileReader {
        let fd: Int32
        let path: String
        let limit: Int
        var total = 0
        var failure: String?

        init(path: String, limit: Int) throws(ImportIssue) {
            self.path = path
            self.limit = limit
            fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)
            if fd < 0 { throw ImportIssue(.error, file: path, message: "cannot be read: \(String(cString: strerror(errno)))") }
        }

        deinit { close(fd) }

        /// The first `count` bytes of the file (fewer when it is shorter).
        func prefix(_ count: Int) -> Data {
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, 0) }
            return Data(buffer.prefix(max(0, read)))
        }

        func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
            while true {
                let got = Glibc.read(fd, buffer, count)
                if got < 0 && errno == EINTR { continue }
                if got < 0 {
                    failure = String(cString: strerror(errno))
                    return -1
                }
                total += got
                if total > limit {
                    failure = "over the size limit of \(limit) bytes"
                    return -1
                }
                return Int32(got)
            }
        }
    }

    /// Parses `input` as a stream (see `init(streaming:fileName:…)`); `source` is the input's
    /// `SourceText` when the caller already has it.
    init(
        streaming input: Input, source: SourceText?, fileName: String, recordDepth: Int, schema: XMLSchema?,
        invalid: inout [ImportIssue], record: (Record) -> Bool
    ) throws(ImportIssue) {
        self.fileName = fileName
        var reader: FileReader?
        var data = Data()
        switch input {
        case .data(let bytes):
            data = bytes
            try XMLFile.precheck(data, fileName: fileName)
        case .file(let path, let limit):
            let file: FileReader
            do { file = try FileReader(path: path, limit: limit) } catch {
                throw ImportIssue(.error, file: fileName, message: error.message)
            }
            let head = file.prefix(512)
            if head.isEmpty { try XMLFile.precheck(head, fileName: fileName) }
            if let declared = XMLFile.declaredEncoding(head), XMLFile.isSingleByteEncoding(declared) {
                // The check of a single-byte declaration over UTF-8 reads the whole file: a rare case.
                do { data = try FileIO.read(path, limit: limit) } catch {
                    throw ImportIssue(.error, file: fileName, message: "cannot be read: \(error.reason)")
                }
                try XMLFile.precheck(data, fileName: fileName)
            } else {
                reader = file
            }
        }
        let source = source ?? { if case .file(let path, _) = input { return SourceText(path: path) } else { return SourceText(data: data) } }()
        self.source = source
        final class Sinks {
            let record: (Record) -> Bool
            var found: [(line: Int, column: Int, message: String)] = []
            init(record: @escaping (Record) -> Bool) { self.record = record }
        }
        var error = cxml_error()
        var status: Int32 = 0
        let parsed: OpaquePointer? = withoutActuallyEscaping(record) { record in
            let sinks = Sinks(record: record)
            let context = Unmanaged.passUnretained(sinks).toOpaque()
            let onRecord: cxml_record_sink = { context, node in
                let sinks = Unmanaged<Sinks>.fromOpaque(context!).takeUnretainedValue()
                return sinks.record(Record(pointer: node!)) ? 1 : 0
            }
            let onInvalid: cxml_error_sink = { context, line, column, message in
                let sinks = Unmanaged<Sinks>.fromOpaque(context!).takeUnretainedValue()
                sinks.found.append((Int(line), Int(column), message.map { String(cString: $0) } ?? "not valid"))
            }
            let document = withExtendedLifetime(sinks) {
                if let reader {
                    let readerContext = Unmanaged.passUnretained(reader).toOpaque()
                    let read: cxml_read_callback = { context, buffer, count in
                        Unmanaged<FileReader>.fromOpaque(context!).takeUnretainedValue().read(into: buffer!, count: Int(count))
                    }
                    return withExtendedLifetime(reader) {
                        if let schema {
                            return schema.withPointer { schemaPointer in
                                cxml_parse_records_io(read, readerContext, fileName, Int32(recordDepth), onRecord, context,
                                                      schemaPointer, onInvalid, context, &status, &error)
                            }
                        }
                        return cxml_parse_records_io(read, readerContext, fileName, Int32(recordDepth), onRecord, context,
                                                     nil, nil, nil, &status, &error)
                    }
                }
                return data.withUnsafeBytes { buffer in
                    let bytes = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
                    if let schema {
                        return schema.withPointer { schemaPointer in
                            cxml_parse_records(bytes, buffer.count, fileName, Int32(recordDepth), onRecord, context,
                                               schemaPointer, onInvalid, context, &status, &error)
                        }
                    }
                    return cxml_parse_records(bytes, buffer.count, fileName, Int32(recordDepth), onRecord, context,
                                              nil, nil, nil, &status, &error)
                }
            }
            invalid = XMLFile.validationIssues(sinks.found, status: status, fileName: fileName, source: source)
            return document
        }
        if let failure = reader?.failure {
            throw ImportIssue(.error, file: fileName, message: "cannot be read: \(failure)")
        }
        guard let parsed else { throw XMLFile.issue(error, fileName: fileName) }
        self.document = parsed
    }

    /// What is refused before libxml2 sees the bytes: an empty file, a single-byte declaration over UTF-8.
    private static func precheck(_ data: Data, fileName: String) throws(ImportIssue) {
        if data.isEmpty {
            throw ImportIssue(.error, file: fileName, line: 1, column: 1, message: XMLFile.explain("the file is empty"))
        }
        if let mismatch = XMLFile.singleByteDeclarationOverUTF8(data) {
            throw ImportIssue(
                .error, file: fileName, line: mismatch.line, column: mismatch.column,
                message: "declared \(mismatch.declared) but the bytes are UTF-8")
        }
    }

    private static func issue(_ error: cxml_error, fileName: String) -> ImportIssue {
        var error = error
        let message = withUnsafeBytes(of: &error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return ImportIssue(
            .error, file: fileName, line: error.line > 0 ? Int(error.line) : nil,
            column: error.column > 0 ? Int(error.column) : nil, message: XMLFile.explain(message))
    }

    deinit {
        cxml_free(document)
    }

    /// The root element and everything under it, as Swift values.
    func root() -> XMLTreeNode? {
        guard let root = cxml_root(document) else { return nil }
        return XMLFile.node(root)
    }

    fileprivate static func node(_ pointer: OpaquePointer) -> XMLTreeNode {
        var attributes: [XMLTreeNode.Attribute] = []
        var attribute = cxml_first_attribute(pointer)
        while let current = attribute {
            let value = cxml_attribute_value(current)
            attributes.append(.init(name: String(cString: cxml_attribute_name(current)), value: value.map { String(cString: $0) } ?? ""))
            cxml_string_free(value)
            attribute = cxml_next_attribute(current)
        }
        var text: String?
        if let raw = cxml_text(pointer) {
            text = String(cString: raw)
            cxml_string_free(raw)
        }
        var children: [XMLTreeNode] = []
        var child = cxml_first_child(pointer)
        while let current = child {
            children.append(node(current))
            child = cxml_next_sibling(current)
        }
        return XMLTreeNode(
            name: String(cString: cxml_name(pointer)), namespace: cxml_namespace(pointer).map { String(cString: $0) },
            attributes: attributes, text: text, line: cxml_line(pointer), children: children)
    }

    /// Every error of the schema check, in document order (empty when valid).
    func validate(against schema: XMLSchema) -> [ImportIssue] {
        final class Sink {
            var found: [(line: Int, column: Int, message: String)] = []
        }
        let sink = Sink()
        let status = schema.withPointer { schemaPointer in
            withExtendedLifetime(sink) {
                cxml_schema_validate(schemaPointer, document, { context, line, column, message in
                    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                    sink.found.append((Int(line), Int(column), message.map { String(cString: $0) } ?? "not valid"))
                }, Unmanaged.passUnretained(sink).toOpaque())
            }
        }
        return XMLFile.validationIssues(sink.found, status: status, fileName: fileName, source: source)
    }

    private static func validationIssues(
        _ found: [(line: Int, column: Int, message: String)], status: Int32, fileName: String, source: SourceText
    ) -> [ImportIssue] {
        var issues = found.map { found in
            let column = found.column > 0 ? found.column : source.column(line: found.line, element: XMLFile.elementName(in: found.message))
            return ImportIssue(.error, file: fileName, line: found.line > 0 ? found.line : nil, column: column,
                               message: "not valid against the LSL import schema: " + XMLFile.withoutValues(found.message))
        }
        if status < 0 && issues.isEmpty {
            issues.append(ImportIssue(.error, file: fileName, message: "the schema check could not run (internal error)"))
        }
        return issues
    }

    /// libxml2's schema message without the value it quotes (a mark, an appreciation): the element,
    /// the attribute and the rule stay. `The value '25.505' has more fractional digits…` →
    /// `The value has more fractional digits…`; `'abc' is not a valid value of…` → `the value is not a valid value of…`.
    /// A message that libxml2 cut inside a long value (its messages stop at 1,024 bytes) is cut
    /// before the value.
    static func withoutValues(_ message: String) -> String {
        var text = message
            .replacing(/The value '.*?' (?=is |has |must )/.dotMatchesNewlines(), with: "The value ")
            .replacing(/: '.*?' (?=is not a valid value)/.dotMatchesNewlines(), with: ": the value ")
        if let open = text.range(of: "The value '") ?? text.range(of: ": '", options: .backwards), text.count > 900 {
            text = String(text[..<open.lowerBound]) + (text[open].hasPrefix("The") ? "The value (too long to show)" : ": a value too long to show")
        }
        return text
    }

    /// `Element 'periode', attribute 'moyenne': …` → `periode`.
    static func elementName(in message: String) -> String? {
        guard let start = message.range(of: "Element '") else { return nil }
        let rest = message[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        var name = String(rest[..<end])
        if let brace = name.lastIndex(of: "}") { name = String(name[name.index(after: brace)...]) }
        return name
    }

    /// The `encoding` of the XML declaration (`<?xml … encoding="…"?>` at the very start, after an
    /// optional UTF-8 byte order mark), or nil when there is no declaration or it names none.
    static func declaredEncoding(_ data: Data) -> String? {
        var bytes = [UInt8](data.prefix(512))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.starts(with: Array("<?xml".utf8)),
              let end = bytes.indices.first(where: { bytes[$0] == UInt8(ascii: "?") && $0 + 1 < bytes.count && bytes[$0 + 1] == UInt8(ascii: ">") })
        else { return nil }
        let declaration = bytes[5..<end]
        guard declaration.allSatisfy({ $0 < 0x80 }) else { return nil }
        let text = String(decoding: declaration, as: UTF8.self)
        guard let match = text.firstMatch(of: /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/) else { return nil }
        return String(match.output.1 ?? match.output.2 ?? "")
    }

    /// True for the single-byte encodings a SIECLE export may declare (ISO-8859-x, windows-125x, latin1…).
    static func isSingleByteEncoding(_ name: String) -> Bool {
        let folded = name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        return ["iso8859", "windows125", "cp125", "latin", "l1", "l9", "ibm8", "cp8", "koi8", "macintosh", "macroman"]
            .contains { folded.hasPrefix($0) }
            || folded == "isolatin1"
    }

    /// When the declaration names a single-byte encoding but the bytes are entirely valid UTF-8 with at
    /// least one multi-byte sequence (a file re-saved as UTF-8 that kept its declaration): where the
    /// first multi-byte sequence is (1-based line, byte column).
    static func singleByteDeclarationOverUTF8(_ data: Data) -> (declared: String, line: Int, column: Int)? {
        guard let declared = declaredEncoding(data), isSingleByteEncoding(declared) else { return nil }
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (declared: String, line: Int, column: Int)? in
            guard let first = bytes.firstIndex(where: { $0 >= 0x80 }) else { return nil }
            guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
            var line = 1
            var lineStart = 0
            for index in 0..<first where bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            return (declared, line, first - lineStart + 1)
        }
    }

    /// libxml2's wording, with a hint where a person would need one.
    static func explain(_ raw: String) -> String {
        let message = raw.split(whereSeparator: \.isNewline).joined(separator: " ")
        if message.contains("Input is not proper UTF-8") || message.contains("encoding") || message.contains("Unsupported encoding") {
            return message + " (the encoding declared in the XML declaration does not match the bytes)"
        }
        if message.contains("huge text node") {
            return message + " (a text of more than 10,000,000 bytes)"
        }
        if message.contains("Excessive depth") || message.contains("nesting") {
            return message + " (elements nested too deeply)"
        }
        return message
    }
}
