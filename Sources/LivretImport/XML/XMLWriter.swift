import CXMLBridge
import Foundation

/// Writes XML through libxml2's text writer (escaping and encoding are libxml2's).
final class XMLWriter {
    struct Failure: Error {}

    private let writer: OpaquePointer

    init() throws(Failure) {
        guard let writer = cxml_writer_new() else { throw Failure() }
        self.writer = writer
        try check(cxml_writer_start_document(writer))
    }

    deinit {
        cxml_writer_free(writer)
    }

    private func check(_ status: Int32) throws(Failure) {
        if status < 0 { throw Failure() }
    }

    func start(_ name: String) throws(Failure) {
        try check(cxml_writer_start_element(writer, name))
    }

    func start(prefix: String, name: String, namespace: String) throws(Failure) {
        try check(cxml_writer_start_element_ns(writer, prefix, name, namespace))
    }

    func attribute(_ name: String, _ value: String?) throws(Failure) {
        guard let value else { return }
        try check(cxml_writer_attribute(writer, name, value))
    }

    func text(_ text: String) throws(Failure) {
        try check(cxml_writer_text(writer, text))
    }

    func end() throws(Failure) {
        try check(cxml_writer_end_element(writer))
    }

    /// `<name attributes>text</name>` in one call.
    func element(_ name: String, _ attributes: [(String, String?)] = [], text: String? = nil) throws(Failure) {
        try start(name)
        for (key, value) in attributes { try attribute(key, value) }
        if let text { try self.text(text) }
        try end()
    }

    func finish() throws(Failure) -> Data {
        var bytes: UnsafePointer<CChar>?
        var length = 0
        try check(cxml_writer_finish(writer, &bytes, &length))
        guard let bytes else { throw Failure() }
        return Data(bytes: bytes, count: length)
    }
}
