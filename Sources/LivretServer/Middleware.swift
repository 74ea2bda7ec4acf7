import Foundation
import Hummingbird
import Logging

/// Reads `Authorization: Bearer <token>` and sets the context's principal; an unknown or revoked
/// token is answered 401 at once. Without the header the request goes on anonymous (the routes
/// that need a user answer 401). The header is never logged.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = LivretRequestContext
    let services: LivretServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].count <= 200 else { throw Problem.unauthenticated() }
        guard let principal = try await services.principal(token: String(parts[1])) else { throw Problem.unauthenticated() }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

/// Turns every error into problem details: Hummingbird's `HTTPError` (404 of an unknown route,
/// 413 of a body too large) and unexpected errors (500, logged, never shown).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = LivretRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            var problem = Problem(error.status, detail: error.body)
            if error.status == .contentTooLarge { problem.detail = "the request body is over the size limit" }
            throw problem
        } catch let error as any HTTPResponseError {
            throw Problem(error.status)
        } catch {
            context.logger.error("request.failed", metadata: ["error": "\(type(of: error))"])
            throw Problem(.internalServerError, detail: "an internal error; it was logged")
        }
    }
}

/// One structured log line per request: method, path, status, duration, user number and role.
/// Never the query's values, a header or a body.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = LivretRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var metadata: Logger.Metadata = ["method": "\(request.method)", "path": "\(request.uri.path)"]
        do {
            let response = try await next(request, context)
            metadata["status"] = "\(response.status.code)"
            metadata["ms"] = "\((ContinuousClock.now - start).components.attoseconds / 1_000_000_000_000_000 + (ContinuousClock.now - start).components.seconds * 1000)"
            logger.info("request", metadata: metadata)
            return response
        } catch {
            metadata["status"] = "\((error as? any HTTPResponseError)?.status.code ?? 500)"
            logger.info("request", metadata: metadata)
            throw error
        }
    }
}
