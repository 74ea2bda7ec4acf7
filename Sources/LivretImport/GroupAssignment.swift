/// Which SIECLE group (TYPE_STRUCTURE G) carries which matière.
///
/// SIECLE lists the groups of a pupil, not their matière. A group's matière is one that all its
/// members take outside their division; when several fit, the groups whose matière is certain
/// remove it from the groups they share a pupil with (a pupil follows a matière in one group).
struct GroupAssignment {
    /// eleveId → course → group code.
    private(set) var groupOf: [String: [CourseKey: String]] = [:]

    init(members: [String: [String]], courses: [String: Set<CourseKey>]) {
        var candidates: [String: Set<CourseKey>] = [:]
        for (group, pupils) in members {
            var common: Set<CourseKey>?
            for pupil in pupils {
                let own = courses[pupil] ?? []
                common = common.map { $0.intersection(own) } ?? own
            }
            candidates[group] = common ?? []
        }
        var groupsOfPupil: [String: [String]] = [:]
        for (group, pupils) in members { for pupil in pupils { groupsOfPupil[pupil, default: []].append(group) } }
        var assigned: [String: CourseKey] = [:]
        var changed = true
        while changed {
            changed = false
            for group in candidates.keys.sorted() where assigned[group] == nil {
                guard let only = candidates[group], only.count == 1, let course = only.first else { continue }
                assigned[group] = course
                changed = true
                for pupil in members[group] ?? [] {
                    for other in groupsOfPupil[pupil] ?? [] where other != group && assigned[other] == nil {
                        candidates[other]?.remove(course)
                    }
                }
            }
            if !changed, let group = candidates.keys.sorted().first(where: { assigned[$0] == nil && (candidates[$0]?.count ?? 0) > 1 }) {
                // Still ambiguous: take the smallest course, deterministically, and go on.
                candidates[group] = [candidates[group]!.min()!]
                changed = true
            }
        }
        for (group, course) in assigned {
            for pupil in members[group] ?? [] { groupOf[pupil, default: [:]][course] = group }
        }
    }
}
