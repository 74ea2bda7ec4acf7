import CCairo
import Foundation
import Hummingbird
import HummingbirdTesting
import LivretLayout
import Testing

/// The web pages driven in-process (HummingbirdTesting): the session cookie carried by hand, the
/// forms sent as `multipart/form-data` with their CSRF token, as a browser sends them.
struct WebClient {
    let client: any TestClientProtocol
    /// The session cookie's value (nil before the sign-in).
    var session: String?

    static let boundary = "livret-test-boundary-7d1f"

    /// A `multipart/form-data` body: the text fields, then the files (name → (filename, bytes)).
    static func multipart(_ fields: [(String, String)], files: [(String, String, Data)] = []) -> ByteBuffer {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, filename, data) in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return ByteBuffer(bytes: body)
    }

    /// The value of the cookie `name` that `headers` set, if any.
    static func setCookie(_ name: String, in headers: HTTPFields) -> String? {
        for value in headers[values: .setCookie] where value.hasPrefix(name + "=") {
            return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    /// The first CSRF token of a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in with `token` through « Se connecter » (pre-session cookie and token first).
    mutating func signIn(_ token: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let page = try await client.execute(uri: "/connexion", method: .get, headers: [:], body: nil)
        let pre = try #require(Self.setCookie("livret_pre", in: page.headers), "no pre-session cookie", sourceLocation: sourceLocation)
        let csrf = try #require(Self.csrf(in: String(buffer: page.body)), "no CSRF field on the sign-in page", sourceLocation: sourceLocation)
        let response = try await client.execute(
            uri: "/connexion", method: .post,
            headers: [.cookie: "livret_pre=\(pre)", .contentType: "multipart/form-data; boundary=\(Self.boundary)"],
            body: Self.multipart([("csrf", csrf), ("jeton", token)]))
        #expect(response.status == .seeOther, "sign-in: \(response.status)", sourceLocation: sourceLocation)
        session = try #require(Self.setCookie("livret_session", in: response.headers), "no session cookie", sourceLocation: sourceLocation)
    }

    var cookieHeader: HTTPFields { session.map { [.cookie: "livret_session=\($0)"] } ?? [:] }

    func get(_ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: cookieHeader, body: nil)
    }

    /// Posts a form of a page, with the CSRF token `csrf`.
    func post(_ uri: String, csrf: String, fields: [(String, String)] = [], files: [(String, String, Data)] = []) async throws -> TestResponse {
        var headers = cookieHeader
        headers[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: Self.multipart([("csrf", csrf)] + fields, files: files))
    }
}

/// Scans made for the tests: PNG images (cairo) with or without a QR code (libqrencode).
enum TestScans {
    /// A white PNG of `side` pixels holding, when `text` is given, its QR code (4 pixels a module,
    /// the quiet zone around it).
    static func png(qr text: String?, side minimum: Int = 120) throws -> Data {
        let scale = 4
        let qr = try text.map { try QRCode($0) }
        let side = max(minimum, ((qr?.size ?? 0) + 2 * QRCode.quietZone) * scale)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(side), Int32(side))
        let context = cairo_create(surface)
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        if let qr {
            cairo_set_source_rgb(context, 0, 0, 0)
            for row in 0..<qr.size {
                for column in 0..<qr.size where qr.isDark(row: row, column: column) {
                    cairo_rectangle(context, Double((column + QRCode.quietZone) * scale), Double((row + QRCode.quietZone) * scale), Double(scale), Double(scale))
                }
            }
            cairo_fill(context)
        }
        cairo_destroy(context)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        let status = cairo_surface_write_to_png(surface, url.path)
        cairo_surface_destroy(surface)
        try #require(status == CAIRO_STATUS_SUCCESS)
        return try Data(contentsOf: url)
    }

    /// A PNG header announcing `width` × `height` pixels, and nothing else.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        png.append(Data("IHDR".utf8))
        for value in [width, height] { png.append(contentsOf: withUnsafeBytes(of: value.bigEndian) { Array($0) }) }
        png.append(contentsOf: [8, 0, 0, 0, 0, 0, 0, 0, 0])
        return png
    }
}
