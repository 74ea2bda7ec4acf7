/// One object as the index lists it.
public struct ObjectSummary: Sendable, Equatable, Codable {
    public var id: String
    /// The INE when the id is `urn:lsl:ine:<INE>`.
    public var ine: String?
    /// Object root relative to the storage root.
    public var path: String
    public var head: String
    /// `created` of the head version.
    public var updated: String
    /// School years with their division (nil when unknown), oldest first.
    public var scolarites: [Scolarite]
    /// Logical paths of the head version.
    public var files: [String]

    public struct Scolarite: Sendable, Equatable, Codable {
        public var year: String
        public var division: String?
    }
}

/// A filter for `Archive.list`.
public struct ObjectFilter: Sendable {
    public var division: String?
    public var year: String?
    public var ine: String?

    public init(division: String? = nil, year: String? = nil, ine: String? = nil) {
        self.division = division
        self.year = year.map(ArchiveMetadata.normalizeYear)
        self.ine = ine
    }
}
