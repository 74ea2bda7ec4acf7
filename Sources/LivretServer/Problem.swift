import Foundation
import Hummingbird

/// An error answered as RFC 9457 problem details (`application/problem+json`), listing every
/// problem found with its file, line and field, as the CLI prints them.
public struct Problem: HTTPResponseError, Sendable {
    /// One problem: where (file, line, column, field) and what.
    public struct Item: Codable, Sendable, Equatable {
        /// The file concerned (an uploaded part's name), when any.
        public var file: String?
        /// The line in the file, when known.
        public var line: Int?
        /// The column, when known.
        public var column: Int?
        /// The element, attribute, document field or request parameter concerned.
        public var field: String?
        /// What is wrong.
        public var message: String

        /// A problem.
        public init(file: String? = nil, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.field = field
            self.message = message
        }
    }

    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A short, fixed summary of the kind of problem.
    public var title: String
    /// This occurrence, in words.
    public var detail: String?
    /// Every problem found (empty when there is only the detail).
    public var problems: [Item]
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public var headers: HTTPFields

    /// A problem with a status, a title, a detail and the problems found.
    public init(_ status: HTTPResponse.Status, title: String? = nil, detail: String? = nil, problems: [Item] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.problems = problems
        self.headers = headers
    }

    /// 401: no valid bearer token.
    public static func unauthenticated() -> Problem {
        Problem(.unauthorized, title: "Authentication required", detail: "give a valid token: Authorization: Bearer <token>",
                headers: [.wwwAuthenticate: "Bearer realm=\"livret\""])
    }

    /// 403: outside the role (the refusal is journaled).
    public static func forbidden() -> Problem {
        Problem(.forbidden, title: "Forbidden", detail: "your role does not allow this")
    }

    /// 404, the same for a pupil that does not exist and one the user may not see.
    public static func noSuchPupil() -> Problem {
        Problem(.notFound, title: "Not Found", detail: "no such pupil")
    }

    struct Body: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String?
        var problems: [Item]?
    }

    /// The problem as JSON.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(title: title, status: Int(status.code), detail: detail, problems: problems.isEmpty ? nil : problems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}
