import Foundation
import Hummingbird
import LivretArchive
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// The metrics of the process, in Prometheus text at `/metrics` (bootstrapped once per process).
public enum ServerMetrics {
    /// The registry every metric of the process is in.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The registry's metrics, in the Prometheus text format.
    public static func text() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Builds the service: the user store, the archive, the journal, the jobs, the router with every
/// route of the API (and of the web pages), ready to run (`runService()`, which stops on SIGTERM
/// or SIGINT after the requests in flight, checkpointing the print-run jobs) or to test in-process
/// with HummingbirdTesting.
public func buildApplication(
    configuration: ServerConfiguration, logger: Logger = Logger(label: "livret.server"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    _ = ServerMetrics.registry
    let services = try LivretServices(configuration: configuration, logger: logger)
    let router = buildRouter(services: services)
    let app = Application(
        router: router,
        // A connection that sends nothing for this long is closed (slow clients cannot hold the
        // service); a print run is a job, never a long request.
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.requestTimeoutSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "livret"),
        services: [JobsCheckpointService(jobs: services.jobs)],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            logger.notice("server.listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
            await onServerRunning(port)
        },
        logger: logger)
    return app
}

/// Waits for the graceful shutdown, then checkpoints the print-run jobs.
struct JobsCheckpointService: Service {
    let jobs: PrintRunJobs

    func run() async throws {
        try? await gracefulShutdown()
        await jobs.checkpoint()
    }
}

/// The router: middleware (metrics, log, bearer authentication, timeout), the API, the web pages.
public func buildRouter(services: LivretServices) -> Router<LivretRequestContext> {
    let router = Router(context: LivretRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: RequestLogMiddleware(logger: services.logger))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BearerAuthentication(services: services))
    addCoreRoutes(to: router, services: services)
    addPupilRoutes(to: router, services: services)
    addReceiptRoutes(to: router, services: services)
    addJournalRoutes(to: router, services: services)
    addVerifyRoutes(to: router, services: services)
    addPrintRunRoutes(to: router, services: services)
    addImportRoutes(to: router, services: services)
    addJuryRoutes(to: router, services: services)
    addWebPages(to: router, services: services)
    return router
}

/// The routes without authentication: `/healthz`, `/metrics`, `/openapi.json`; and `/api/me`.
func addCoreRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.get("/healthz") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    router.get("/metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.text())))
    }
    router.get("/openapi.json") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
    router.get("/api/me") { _, context -> Response in
        guard let principal = context.principal else { throw Problem.unauthenticated() }
        return try JSONResponse.make(Me(id: principal.id, name: principal.name, role: principal.role.rawValue, scope: principal.scope))
    }
}

struct Me: Encodable {
    var id: Int64
    var name: String
    var role: String
    var scope: Scope
}

/// The OpenAPI document of the API (`openapi.json`, a resource of the module).
public enum OpenAPIDocument {
    /// Its bytes.
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else { return [] }
        return [UInt8](data)
    }()
}

/// JSON responses (keys sorted).
public enum JSONResponse {
    /// `value` as a JSON response.
    public static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
