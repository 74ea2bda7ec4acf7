import Foundation
import LivretModel

/// Fixity: every file re-hashed, every inventory checked, with the OCFL validator.
extension Archive {
    /// Validates the whole storage root (or one object), digests included, each object under a
    /// shared lock so that a concurrent writer is never seen half-way.
    public func verify(objectID: String? = nil) throws -> RootValidationReport {
        if let objectID {
            let relative = try objectPath(id: objectID)
            guard FileSystem.exists(rootPath + "/" + relative) else {
                throw ArchiveError.notFound("no object \(objectID) in \(rootPath)")
            }
            let lock = try lockObject(objectPath: relative, exclusive: false)
            defer { lock.unlock() }
            var object = OCFLObjectValidator().validate(objectAt: rootPath + "/" + relative)
            object.path = relative
            if let id = object.id, id != objectID || layout.path(for: id) != relative {
                object.issues.append(ValidationIssue(code: "E083", message: "object \(MessageText.quoted(id)) is at \(relative)", location: relative))
            }
            return RootValidationReport(path: rootPath, issues: [], objects: [object])
        }
        let locks = locksPath
        let validator = OCFLRootValidator(checkDigests: true) { relative, body in
            let name = Digests.sha256(Data(relative.utf8))
            let lock = try? FileLock(path: locks + "/" + name + ".lock", exclusive: false)
            defer { lock?.unlock() }
            return body()
        }
        return validator.validate(rootAt: rootPath)
    }
}
