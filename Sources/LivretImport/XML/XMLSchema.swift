import CXMLBridge
import Foundation

/// A compiled XSD (libxml2), built from the schema's text.
final class XMLSchema {
    private let schema: OpaquePointer

    init(text: String, name: String) throws(ImportIssue) {
        var error = cxml_error()
        let bytes = Array(text.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cxml_schema_new($0.baseAddress, $0.count, &error) }
        }
        guard let compiled else {
            let message = withUnsafeBytes(of: &error.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImportIssue(.error, file: name, line: error.line > 0 ? Int(error.line) : nil, message: "schema: \(message)")
        }
        schema = compiled
    }

    deinit {
        cxml_schema_free(schema)
    }

    func withPointer<T>(_ body: (OpaquePointer) -> T) -> T {
        body(schema)
    }
}
