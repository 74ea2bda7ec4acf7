/// What a put did.
public enum PutResult: Sendable, Equatable, CustomStringConvertible {
    /// A new version was published.
    case created(version: String)
    /// Every file was byte-identical to the head: no new version; the head is given.
    case unchanged(head: String)

    /// The head version after the put: the one created, or the unchanged head.
    public var version: String {
        switch self {
        case .created(let version), .unchanged(let version): return version
        }
    }

    /// `created vN` or `unchanged vN`.
    public var description: String {
        switch self {
        case .created(let version): return "created \(version)"
        case .unchanged(let head): return "unchanged \(head)"
        }
    }
}
