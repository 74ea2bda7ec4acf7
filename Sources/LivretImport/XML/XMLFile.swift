import CXMLBridge
import Foundation

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
        var error = cxml_error()
        var parsed: OpaquePointer?
        if data.isEmpty {
            error.code = -1
            error.line = 1
            error.column = 1
            withUnsafeMutableBytes(of: &error.message) { buffer in
                for (index, byte) in "the file is empty".utf8.enumerated() { buffer[index] = byte }
            }
        } else {
            parsed = data.withUnsafeBytes { buffer in
                cxml_parse(buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count, fileName, &error)
            }
        }
        guard let parsed else {
            let message = withUnsafeBytes(of: &error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImportIssue(
                .error, file: fileName, line: error.line > 0 ? Int(error.line) : nil,
                column: error.column > 0 ? Int(error.column) : nil, message: XMLFile.explain(message))
        }
        self.document = parsed
    }

    deinit {
        cxml_free(document)
    }

    /// The root element and everything under it, as Swift values.
    func root() -> XMLTreeNode? {
        guard let root = cxml_root(document) else { return nil }
        return XMLFile.node(root)
    }

    private static func node(_ pointer: OpaquePointer) -> XMLTreeNode {
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
        var issues = sink.found.map { found in
            let column = found.column > 0 ? found.column : source.column(line: found.line, element: XMLFile.elementName(in: found.message))
            return ImportIssue(.error, file: fileName, line: found.line > 0 ? found.line : nil, column: column,
                               message: "not valid against the LSL import schema: " + found.message)
        }
        if status < 0 && issues.isEmpty {
            issues.append(ImportIssue(.error, file: fileName, message: "the schema check could not run (internal error)"))
        }
        return issues
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

    /// libxml2's wording, with a hint where a person would need one.
    static func explain(_ raw: String) -> String {
        let message = raw.split(whereSeparator: \.isNewline).joined(separator: " ")
        if message.contains("Input is not proper UTF-8") || message.contains("encoding") || message.contains("Unsupported encoding") {
            return message + " (the encoding declared in the XML declaration does not match the bytes)"
        }
        if message.contains("Excessive depth") || message.contains("nesting") {
            return message + " (elements nested too deeply)"
        }
        return message
    }
}
