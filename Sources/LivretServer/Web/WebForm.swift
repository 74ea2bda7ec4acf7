import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A submitted form of the web pages. Every form of the pages is sent as `multipart/form-data`
/// (one parser, MultipartKit's, for the forms with and without files), and carries a `csrf`
/// field that the route checks before anything else.
struct WebForm: Sendable {
    /// A file part.
    struct File: Sendable {
        /// The file name the browser gave (only its last component, for messages).
        var filename: String
        /// The bytes.
        var data: Data
    }

    /// The text fields, each with every value submitted, in order.
    var fields: [String: [String]] = [:]
    /// The file parts with content, by field name (an empty file input sends an empty part: left out).
    var files: [String: File] = [:]

    /// The first value of `name`, trimmed; nil when absent or blank.
    func value(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every non-blank value of `name`.
    func values(_ name: String) -> [String] {
        (fields[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Why a body is not a form of the pages.
    struct Malformed: Error {}

    /// Reads the request's body (at most `limit` bytes: 413 beyond) as `multipart/form-data`.
    static func read(_ request: inout Request, limit: Int) async throws -> WebForm {
        guard let type = request.headers[.contentType], let mediaType = MediaType(from: type), mediaType.isType(.multipartForm),
              let boundary = mediaType.parameter?.value, mediaType.parameter?.name.lowercased() == "boundary", !boundary.isEmpty
        else { throw Malformed() }
        let body = try await request.collectBody(upTo: limit)
        return try parse(body, boundary: boundary)
    }

    /// Parses a `multipart/form-data` body.
    static func parse(_ body: ByteBuffer, boundary: String) throws -> WebForm {
        let parser = MultipartParser(boundary: boundary)
        var form = WebForm()
        var headers: [(String, String)] = []
        var data = Data()
        var failure: Malformed?
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            defer {
                headers = []
                data = Data()
            }
            guard let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1,
                  let name = Self.parameter("name", in: disposition)
            else {
                failure = Malformed()
                return
            }
            if let filename = Self.parameter("filename", in: disposition) {
                if !data.isEmpty {
                    let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "fichier"
                    form.files[name] = File(filename: last, data: data)
                }
            } else {
                form.fields[name, default: []].append(String(decoding: data, as: UTF8.self))
            }
        }
        do {
            try parser.execute(body)
        } catch {
            throw Malformed()
        }
        if let failure { throw failure }
        return form
    }

    /// A parameter of a `Content-Disposition` header (`name="x"`), unquoted; `;` inside quotes is kept.
    static func parameter(_ key: String, in header: String) -> String? {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            return pair[1].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
