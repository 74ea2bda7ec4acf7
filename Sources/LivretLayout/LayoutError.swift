/// Why a livret could not be laid out.
public enum LayoutError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A font, a layout file or another resource is missing or unreadable.
    case resource(String)
    /// The layout file is not valid.
    case layoutFile(file: String, message: String)
    /// Text that does not fit its cell even at the layout's minimum size. Never cut silently.
    case overflow(Overflow)

    /// Text that cannot fit, and where.
    public struct Overflow: Hashable, Sendable {
        /// The pupil: name and INE.
        public var pupil: String
        /// Where: the discipline (and school year), or the section of the livret.
        public var place: String
        /// What did not fit, e.g. `appréciation: 41 pt too tall at 5 pt (the block must fit one page)`.
        public var detail: String
    }

    /// The message, naming the file or the pupil and the place.
    public var description: String {
        switch self {
        case .resource(let message): message
        case .layoutFile(let file, let message): "\(file): \(message)"
        case .overflow(let o): "\(o.pupil): \(o.place): text does not fit: \(o.detail)"
        }
    }
}
