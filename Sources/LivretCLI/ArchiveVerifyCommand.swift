import ArgumentParser
import Foundation
import LivretArchive
import LivretModel

struct ArchiveVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every file and check every inventory (OCFL 1.1 validation).",
        discussion: """
            Without option: the whole archive. --object ID: one object of the archive. --root PATH: any \
            OCFL storage root. --object-dir PATH: any single OCFL object directory.

            Each problem is printed with its OCFL validation code (E… errors, W… warnings), the object, \
            and for damaged content the version and logical path. Exit 1 if any error.
            """)

    @OptionGroup var options: ArchiveOptions

    @Option(help: "One object of the archive: an INE or an object id.")
    var object: String?

    @Option(help: "Validate any OCFL storage root instead of the archive.")
    var root: String?

    @Option(name: .customLong("object-dir"), help: "Validate any OCFL object directory.")
    var objectDirectory: String?

    @Flag(name: .customLong("no-digests"), help: "Check structure only, without re-hashing content.")
    var noDigests = false

    func run() throws {
        let report: RootValidationReport
        if let objectDirectory {
            var object = OCFLObjectValidator(checkDigests: !noDigests).validate(objectAt: objectDirectory)
            object.path = objectDirectory
            report = RootValidationReport(path: objectDirectory, issues: [], objects: [object])
        } else if let root {
            report = OCFLRootValidator(checkDigests: !noDigests).validate(rootAt: root)
        } else {
            let archive = try options.open()
            let id = object.map { $0.contains(":") ? $0 : Archive.objectID(ine: $0) }
            report = try archiveCall { try archive.verify(objectID: id) }
        }
        var out = ""
        for issue in report.issues { out += "\(issue.code) storage-root \(issue.location): \(issue.message)\n" }
        for object in report.objects {
            let name = object.id ?? object.path
            for issue in object.issues {
                let references = issue.contentPath.map { object.logicalReferences(ofContentPath: $0) } ?? []
                if references.isEmpty {
                    out += "\(issue.code) \(name) \(issue.location): \(issue.message)\n"
                } else {
                    for reference in references {
                        out += "\(issue.code) \(name) \(reference.version) \(reference.logicalPath): \(issue.message)\n"
                    }
                }
            }
        }
        let verdict = report.isValid ? "VALID" : "INVALID"
        out += "verify: \(report.objects.count) object(s), \(report.errorCount) error(s), \(report.warningCount) warning(s): \(verdict)\n"
        try writeStandardOutput(MessageText.escaped(out, keepingNewlines: true))
        if !report.isValid { throw ExitCode(LivretExit.refused) }
    }
}
