import Foundation
import LivretModel

/// Validates an OCFL 1.1 storage root (§4): its declaration, `ocfl_layout.json`, extensions, the
/// storage hierarchy (no stray files, no empty directories, no links, terminal object roots,
/// paths matching the declared layout) and every object in it, objects in parallel.
public struct OCFLRootValidator: Sendable {
    /// Whether every content file is read and its digest compared (off: structure only).
    public var checkDigests: Bool
    /// Wraps the validation of each object (relative path), e.g. to hold a shared lock on it.
    public var objectWrapper: @Sendable (String, () -> ObjectValidationReport) -> ObjectValidationReport

    /// A root validator; `objectWrapper` runs around each object's validation (default: nothing).
    public init(
        checkDigests: Bool = true,
        objectWrapper: @escaping @Sendable (String, () -> ObjectValidationReport) -> ObjectValidationReport = { $1() }
    ) {
        self.checkDigests = checkDigests
        self.objectWrapper = objectWrapper
    }

    /// Validates the storage root at `root` and every object in it: every finding, with its OCFL code; never throws.
    public func validate(rootAt root: String) -> RootValidationReport {
        var report = RootValidationReport(path: root)
        func issue(_ code: String, _ location: String, _ message: String) {
            report.issues.append(ValidationIssue(code: code, message: message, location: location))
        }
        guard FileSystem.kind(root) == .directory, let entries = try? FileSystem.list(root) else {
            issue("E069", root, "the storage root is not a directory")
            return report
        }
        // Declaration, a NAMASTE file (E075).
        let declarations = DeclarationName.check(entries, in: root, prefix: "ocfl_", codes: .storageRoot) { issue($0, "storage root", $1) }
        let rootSpec = declarations.compactMap(\.version).last ?? "1.1"
        if declarations.isEmpty {
            issue("E069", "storage root", "no storage root declaration 0=ocfl_1.1")
        } else if declarations.count > 1 {
            issue("E076", "storage root", "\(declarations.count) declarations: \(declarations.map(\.name).joined(separator: ", "))")
        }
        // Layout.
        var layout: StorageLayout?
        if FileSystem.exists(root + "/ocfl_layout.json") {
            if let data = try? FileSystem.readFile(root + "/ocfl_layout.json"),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let name = json["extension"] as? String, json["description"] is String
            {
                if name == StorageLayout.extensionName {
                    layout = Self.readLayout0003(root: root, issue: issue)
                } else if name.range(of: #"^[0-9]{4}-[a-z0-9-]+$"#, options: .regularExpression) == nil {
                    issue("E071", "ocfl_layout.json", "extension '\(name)' is not a registered extension name")
                }
            } else {
                issue("E070", "ocfl_layout.json", "not a JSON object with string keys 'extension' and 'description'")
            }
        }
        // Extensions.
        if FileSystem.kind(root + "/extensions") == .directory {
            for name in (try? FileSystem.list(root + "/extensions")) ?? [] {
                let kind = FileSystem.kind(root + "/extensions/" + name)
                let links = kind == .symlink ? [name] : kind == .directory ? ObjectValidationRun.links(under: root + "/extensions/" + name, relative: name) : []
                for link in links { issue("E090", "extensions", "'\(link)' is a link") }
                if kind != .directory {
                    issue("E112", "extensions", "'\(name)' is not an extension directory")
                } else if !OCFLObjectValidator.registeredExtensions.contains(name) {
                    issue("W016", "extensions", "'\(name)' is not a registered extension name")
                }
            }
        }
        // Hierarchy.
        var objects: [String] = []
        for name in entries where name != "extensions" {
            let full = root + "/" + name
            switch FileSystem.kind(full) {
            case .directory:
                if !walk(full, relative: name, objects: &objects, issue: issue) {
                    issue("E088", name, "directory of the storage root holding no OCFL object (only the storage hierarchy and extensions may be directories)")
                }
            case .symlink: issue("E090", name, "symbolic link in the storage root")
            default: continue  // files in the root are ignored (E087)
            }
        }
        // Layout patterns are judged where they are known: no declared layout, or 0003's.
        if layout != nil || !FileSystem.exists(root + "/ocfl_layout.json") { checkLayoutConsistency(objects, issue: issue) }
        // Objects, in parallel.
        let validator = OCFLObjectValidator(checkDigests: checkDigests)
        let wrapper = objectWrapper
        let reports = Parallel.map(objects, width: ProcessInfo.processInfo.activeProcessorCount) { relative in
            wrapper(relative) { validator.validate(objectAt: root + "/" + relative) }
        }
        var ids: [String: String] = [:]
        for (index, relative) in objects.enumerated() {
            var object = reports[index]
            object.path = relative
            if object.specVersion > rootSpec {
                object.issues.append(ValidationIssue(code: "E081", message: "the object declares a later OCFL version than the storage root", location: relative))
            }
            if let id = object.id {
                if let layout, layout.path(for: id) != relative {
                    object.issues.append(ValidationIssue(code: "E083", message: "object '\(id)' is at \(relative), its layout path is \(layout.path(for: id))", location: relative))
                }
                if let other = ids[id] {
                    object.issues.append(ValidationIssue(code: "E037", message: "id '\(id)' is also the id of the object at \(other)", location: relative))
                }
                ids[id] = relative
            }
            report.objects.append(object)
        }
        return report
    }

    /// Walks the storage hierarchy below the root, collecting object roots; returns whether it
    /// found any below `path`.
    @discardableResult
    private func walk(_ path: String, relative: String, objects: inout [String], issue: (String, String, String) -> Void) -> Bool {
        let entries = (try? FileSystem.entries(path)) ?? []
        if entries.contains(where: { $0.name.hasPrefix("0=ocfl_object_") }) {
            objects.append(relative)
            return true
        }
        if entries.isEmpty {
            issue("E073", relative, "empty directory in the storage hierarchy")
            issue("E085", relative, "the storage hierarchy ends in a directory that is not an object root")
            return false
        }
        var found = false
        for (name, kind) in entries {
            let full = path + "/" + name
            switch kind {
            case .directory: found = walk(full, relative: relative + "/" + name, objects: &objects, issue: issue) || found
            case .symlink: issue("E090", relative + "/" + name, "symbolic link in the storage hierarchy")
            default:
                issue("E084", relative + "/" + name, "file in an intermediate directory of the storage hierarchy (not part of an object)")
                issue("E072", relative + "/" + name, "file in the storage hierarchy that is not part of an OCFL object")
            }
        }
        if !entries.contains(where: { $0.kind == .directory }) {
            issue("E085", relative, "the storage hierarchy ends in a directory that is not an object root")
        }
        return found
    }

    /// One layout pattern (W014) and either top-level objects or a hierarchy (W015): the pattern
    /// of an object path is the length of each directory above the object root.
    private func checkLayoutConsistency(_ objects: [String], issue: (String, String, String) -> Void) {
        let patterns = Dictionary(grouping: objects) { $0.split(separator: "/").dropLast().map(\.count) }
        if let topLevel = patterns[[]], patterns.count > 1, let nested = objects.first(where: { $0.contains("/") }) {
            issue("W015", "storage root", "both top-level objects (\(topLevel[0])) and objects in a hierarchy (\(nested))")
        }
        let hierarchies = patterns.filter { !$0.key.isEmpty }
        if hierarchies.count > 1 {
            let examples = hierarchies.values.compactMap(\.first).sorted().prefix(3)
            issue("W014", "storage root", "objects stored with \(hierarchies.count) layout patterns: \(examples.joined(separator: ", "))")
        }
    }

    /// The 0003 layout of the root's configuration (defaults when absent), nil when it cannot be
    /// computed, which is reported (E083 cannot then be checked).
    private static func readLayout0003(root: String, issue: (String, String, String) -> Void) -> StorageLayout? {
        let configPath = root + "/extensions/" + StorageLayout.extensionName + "/config.json"
        guard FileSystem.exists(configPath) else { return StorageLayout() }  // defaults
        guard let data = try? FileSystem.readFile(configPath), (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) != nil else {
            issue("E071", configPath, "the layout configuration is not a JSON object")
            return nil
        }
        do {
            return try StorageLayout.parseConfig(data, source: configPath)
        } catch {
            issue("W016", configPath, "layout configuration not supported, object paths not checked (E083): \(error)")
            return nil
        }
    }
}
