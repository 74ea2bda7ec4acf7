/// A teaching group of one school year: the pupils whose group block must be the same.
///
/// The group is the division for tronc commun (modalité S) and LV1; otherwise the SIECLE group
/// (TYPE_STRUCTURE G) the pupil follows that matière in. For a past year (SIECLE only knows the
/// division of the year before) a cross-division group is known by its teachers and its block.
struct GroupKey: Hashable, Sendable, CustomStringConvertible {
    var annee: Int
    var scope: String
    var codeMatiere: String
    var modalite: String

    var description: String { "\(scope) \(annee)-\(annee + 1) \(codeMatiere)/\(modalite)" }
}

/// A (code matière, modalité) pair.
struct CourseKey: Hashable, Sendable, Comparable {
    var code: String
    var modalite: String

    static func < (a: CourseKey, b: CourseKey) -> Bool { (a.code, a.modalite) < (b.code, b.modalite) }
}
