import Hummingbird
import Logging
import NIOCore

/// The request context of the service: who is asking (set by ``BearerAuthentication``, or by the
/// web pages' session middleware) and from which address.
public struct LivretRequestContext: RequestContext {
    /// Hummingbird's own storage.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user, nil when anonymous.
    public var principal: Principal?
    /// The client's address (IP without port), as the journal records it.
    public let address: String?

    /// A context for a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        address = source.channel.remoteAddress?.ipAddress
    }
}
