/// Division and school year a put is about, when the caller knows them (recorded in the version
/// message as `livret-division:` / `livret-year:` trailer lines, so `reindex` finds them again).
public struct ArchiveMetadata: Sendable, Equatable {
    /// The division (class) code, e.g. `TS2`.
    public var division: String?
    /// `2015-2016` (a bare `2015` is read as 2015-2016).
    public var year: String?

    /// Metadata of a put; `year` is normalized (`2015` becomes `2015-2016`).
    public init(division: String? = nil, year: String? = nil) {
        self.division = division
        self.year = year.map(ArchiveMetadata.normalizeYear)
    }

    /// `2015` → `2015-2016`; `2015-2016` unchanged.
    public static func normalizeYear(_ year: String) -> String {
        if let first = Int(year), year.count == 4 { return "\(first)-\(first + 1)" }
        return year
    }
}
