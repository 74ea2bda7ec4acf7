import Foundation

/// What the index keeps of one object, derived from the storage root alone (so `reindex` can
/// rebuild it): the inventory, plus division and school years found, in this order of precedence,
/// (1) in `livret-division:` / `livret-year:` trailer lines of the version messages (the latest
/// wins for a year), (2) in the head version's `<année>/livret.json` canonical documents
/// (`scolarites[].anneeScolaire` with `scolarites[].division`, else `eleve.division`),
/// (3) in the names of the head version's top-level `YYYY-YYYY/` directories.
struct ObjectIndexEntry: Sendable {
    var id: String
    var path: String
    var inventory: OCFLInventory
    var scolarites: [String: String?]

    static let idPrefix = "urn:lsl:ine:"
    static let lyceePrefix = "urn:lsl:uai:"

    var ine: String? { id.hasPrefix(Self.idPrefix) ? String(id.dropFirst(Self.idPrefix.count)) : nil }

    /// Reads the metadata of the object at `objectPath` (absolute) whose root inventory is `inventory`.
    init(id: String, path: String, objectPath: String, inventory: OCFLInventory) {
        self.id = id
        self.path = path
        self.inventory = inventory
        var scolarites: [String: String?] = [:]
        let headPaths = inventory.logicalPaths(in: inventory.head)
        for (logical, digest) in headPaths {
            let parts = logical.split(separator: "/")
            guard parts.count >= 2, Self.isYear(parts[0]) else { continue }
            let year = String(parts[0])
            if scolarites[year] == nil { scolarites[year] = .some(nil) }
            guard parts.count == 2, parts[1] == "livret.json",
                let key = inventory.manifestKey(forDigest: digest), let content = inventory.manifest[key]?.first,
                let data = try? FileSystem.readFile(objectPath + "/" + content),
                let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            let eleveDivision = (document["eleve"] as? [String: Any])?["division"] as? String
            var found = false
            let entries = ((document["scolarites"] as? [Any]) ?? []).compactMap { $0 as? [String: Any] }
            let latest = entries.compactMap { ($0["anneeScolaire"] as? NSNumber)?.intValue }.max()
            for scolarite in entries {
                guard let first = (scolarite["anneeScolaire"] as? NSNumber)?.intValue else { continue }
                let name = "\(first)-\(first + 1)"
                // eleve.division is the division of the latest school year.
                let division = (scolarite["division"] as? String) ?? (first == latest ? eleveDivision : nil)
                if name == year { found = true }
                if let division { scolarites[name] = .some(division) } else if scolarites[name] == nil { scolarites[name] = .some(nil) }
            }
            if !found, let eleveDivision { scolarites[year] = .some(eleveDivision) }
        }
        for name in inventory.versionNames {
            guard let message = inventory.versions[name]?.message else { continue }
            let trailers = Self.trailers(message)
            if let year = trailers.year {
                scolarites[year] = .some(trailers.division)
            } else if let division = trailers.division, let latest = scolarites.keys.max() {
                scolarites[latest] = .some(division)  // a division without a year: the latest year's
            }
        }
        self.scolarites = scolarites
    }

    static func isYear<S: StringProtocol>(_ text: S) -> Bool {
        SyntaxChecks.isSchoolYear(text)
    }

    /// `livret-division:` and `livret-year:` lines of a version message.
    static func trailers(_ message: String) -> (division: String?, year: String?) {
        var division: String?
        var year: String?
        for line in message.split(separator: "\n") {
            if line.hasPrefix("livret-division: ") { division = String(line.dropFirst("livret-division: ".count)) }
            if line.hasPrefix("livret-year: ") { year = String(line.dropFirst("livret-year: ".count)) }
        }
        return (division, year)
    }

    /// The message with the trailers appended (only those that are set).
    static func message(_ message: String, metadata: ArchiveMetadata) -> String {
        var lines: [String] = []
        if let division = metadata.division { lines.append("livret-division: \(division)") }
        if let year = metadata.year { lines.append("livret-year: \(year)") }
        return lines.isEmpty ? message : message + "\n\n" + lines.joined(separator: "\n")
    }
}
