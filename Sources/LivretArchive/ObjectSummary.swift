/// One object as the index lists it.
public struct ObjectSummary: Sendable, Equatable, Codable {
    /// The OCFL object id, e.g. `urn:lsl:ine:123456789AB`.
    public var id: String
    /// The INE when the id is `urn:lsl:ine:<INE>`.
    public var ine: String?
    /// Object root relative to the storage root.
    public var path: String
    /// The head version's name, e.g. `v2`.
    public var head: String
    /// `created` of the head version.
    public var updated: String
    /// School years with their division (nil when unknown), oldest first.
    public var scolarites: [Scolarite]
    /// Logical paths of the head version.
    public var files: [String]

    /// One school year of the pupil and its division, as the version messages recorded them.
    public struct Scolarite: Sendable, Equatable, Codable {
        /// `2015-2016`.
        public var year: String
        /// The division (class) code, when known.
        public var division: String?
    }
}

/// A filter for `Archive.list`.
public struct ObjectFilter: Sendable {
    /// Only objects with a school year in this division.
    public var division: String?
    /// Only objects with this school year (`2015` is read as `2015-2016`).
    public var year: String?
    /// Only the object of this INE.
    public var ine: String?

    /// A filter; nil fields do not filter. `year` is normalized.
    public init(division: String? = nil, year: String? = nil, ine: String? = nil) {
        self.division = division
        self.year = year.map(ArchiveMetadata.normalizeYear)
        self.ine = ine
    }
}
