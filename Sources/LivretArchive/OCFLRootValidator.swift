import Dispatch
import Foundation
import LivretModel

/// Validates an OCFL 1.1 storage root (§4): its declaration, `ocfl_layout.json`, extensions, the
/// storage hierarchy (no stray files, no empty directories, no links, terminal object roots,
/// paths matching the declared layout) and every object in it, objects in parallel.
public struct OCFLRootValidator: Sendable {
    public var checkDigests: Bool
    /// Wraps the validation of each object (relative path), e.g. to hold a shared lock on it.
    public var objectWrapper: @Sendable (String, () -> ObjectValidationReport) -> ObjectValidationReport

    public init(
        checkDigests: Bool = true,
        objectWrapper: @escaping @Sendable (String, () -> ObjectValidationReport) -> ObjectValidationReport = { $1() }
    ) {
        self.checkDigests = checkDigests
        self.objectWrapper = objectWrapper
    }

    public func validate(rootAt root: String) -> RootValidationReport {
        var report = RootValidationReport(path: root)
        func issue(_ code: String, _ location: String, _ message: String) {
            report.issues.append(ValidationIssue(code: code, message: message, location: location))
        }
        guard FileSystem.kind(root) == .directory, let entries = try? FileSystem.list(root) else {
            issue("E069", root, "the storage root is not a directory")
            return report
        }
        // Declaration.
        var rootSpec = "1.1"
        let declarations = entries.filter { $0.hasPrefix("0=") }
        if declarations.isEmpty {
            issue("E069", "storage root", "no storage root declaration 0=ocfl_1.1")
        } else if declarations.count > 1 {
            issue("E076", "storage root", "\(declarations.count) declarations: \(declarations.joined(separator: ", "))")
        }
        for name in declarations {
            guard let version = ["1.0", "1.1"].first(where: { name == "0=ocfl_\($0)" }) else {
                issue("E079", "storage root", "declaration \(MessageText.quoted(name)) is not 0=ocfl_1.x")
                continue
            }
            rootSpec = version
            if (try? FileSystem.readFile(root + "/" + name)) != Data("ocfl_\(version)\n".utf8) {
                issue("E080", "storage root", "\(MessageText.quoted(name)) does not contain 'ocfl_\(version)\\n'")
            }
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
                    issue("E071", "ocfl_layout.json", "extension \(MessageText.quoted(name)) is not a registered extension name")
                }
            } else {
                issue("E070", "ocfl_layout.json", "not a JSON object with string keys 'extension' and 'description'")
            }
        }
        // Extensions.
        if FileSystem.kind(root + "/extensions") == .directory {
            for name in (try? FileSystem.list(root + "/extensions")) ?? [] {
                if FileSystem.kind(root + "/extensions/" + name) != .directory {
                    issue("E112", "extensions", "\(MessageText.quoted(name)) is not an extension directory")
                } else if !OCFLObjectValidator.registeredExtensions.contains(name) {
                    issue("W016", "extensions", "\(MessageText.quoted(name)) is not a registered extension name")
                }
            }
        }
        // Hierarchy.
        var objects: [String] = []
        for name in entries where name != "extensions" {
            let full = root + "/" + name
            switch FileSystem.kind(full) {
            case .directory: walk(full, relative: name, objects: &objects, issue: issue)
            case .symlink: issue("E090", name, "symbolic link in the storage root")
            default: continue  // files in the root are ignored (E087)
            }
        }
        // Objects, in parallel.
        let slots = ReportSlots(count: objects.count)
        let validator = OCFLObjectValidator(checkDigests: checkDigests)
        let wrapper = objectWrapper
        let objectPaths = objects
        DispatchQueue.concurrentPerform(iterations: objects.count) { index in
            let relative = objectPaths[index]
            slots.set(index, wrapper(relative) { validator.validate(objectAt: root + "/" + relative) })
        }
        var ids: [String: String] = [:]
        for (index, relative) in objects.enumerated() {
            guard var object = slots.get(index) else { continue }
            object.path = relative
            if object.specVersion > rootSpec {
                object.issues.append(ValidationIssue(code: "E081", message: "the object declares a later OCFL version than the storage root", location: relative))
            }
            if let id = object.id {
                if let layout, layout.path(for: id) != relative {
                    object.issues.append(ValidationIssue(code: "E083", message: "object \(MessageText.quoted(id)) is at \(relative), its layout path is \(layout.path(for: id))", location: relative))
                }
                if let other = ids[id] {
                    object.issues.append(ValidationIssue(code: "E037", message: "id \(MessageText.quoted(id)) is also the id of the object at \(other)", location: relative))
                }
                ids[id] = relative
            }
            report.objects.append(object)
        }
        return report
    }

    /// Walks the storage hierarchy below the root, collecting object roots.
    private func walk(_ path: String, relative: String, objects: inout [String], issue: (String, String, String) -> Void) {
        let entries = (try? FileSystem.entries(path)) ?? []
        if entries.contains(where: { $0.name.hasPrefix("0=ocfl_object_") }) {
            objects.append(relative)
            return
        }
        if entries.isEmpty {
            issue("E073", relative, "empty directory in the storage hierarchy")
            return
        }
        for (name, kind) in entries {
            let full = path + "/" + name
            switch kind {
            case .directory: walk(full, relative: relative + "/" + name, objects: &objects, issue: issue)
            case .symlink: issue("E090", relative + "/" + name, "symbolic link in the storage hierarchy")
            default: issue("E084", relative + "/" + name, "file in an intermediate directory of the storage hierarchy (not part of an object)")
            }
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

/// One slot per object for `concurrentPerform`.
/// `@unchecked Sendable` is safe: every slot is written by exactly one iteration, under the lock,
/// and read only after `concurrentPerform` has returned.
final class ReportSlots: @unchecked Sendable {
    private var reports: [ObjectValidationReport?]
    private let lock = NSLock()

    init(count: Int) { reports = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ report: ObjectValidationReport) { lock.withLock { reports[index] = report } }
    func get(_ index: Int) -> ObjectValidationReport? { lock.withLock { reports[index] } }
}
