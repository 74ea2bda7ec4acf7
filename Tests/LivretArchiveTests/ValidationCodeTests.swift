import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// One way of breaking one rule of the OCFL 1.1 validation codes table in a copy of a good object.
struct ObjectDamage: Sendable, CustomTestStringConvertible {
    /// The codes the validator must report: the rule under test first, then the other rules the
    /// same damage necessarily breaks.
    let codes: [String]
    let base: String
    let what: String
    let apply: @Sendable (Specimen) throws -> Void

    init(_ codes: [String], _ base: String, _ what: String, _ apply: @escaping @Sendable (Specimen) throws -> Void) {
        self.codes = codes
        self.base = base
        self.what = what
        self.apply = apply
    }

    var testDescription: String { "\(codes[0]) \(what)" }
    var isError: Bool { codes.contains { $0.hasPrefix("E") } }
}

/// The same for a storage root (`RootSpecimen`: two good objects under the 0003 layout).
struct RootDamage: Sendable, CustomTestStringConvertible {
    let codes: [String]
    let what: String
    let apply: @Sendable (RootSpecimen) throws -> Void

    init(_ codes: [String], _ what: String, _ apply: @escaping @Sendable (RootSpecimen) throws -> Void) {
        self.codes = codes
        self.what = what
        self.apply = apply
    }

    var testDescription: String { "\(codes[0]) \(what)" }
    var isError: Bool { codes.contains { $0.hasPrefix("E") } }
}

private let full = "spec-ex-full"
private let one = "minimal_one_version_one_file"
private let three = "updates_three_versions_one_file"
private let stuff = "minimal_content_dir_called_stuff"
private let aFile = "v1/content/a_file.txt"

/// Renames `one`'s v1 to `v0…1` (`digits` digits) everywhere; returns the new name.
@discardableResult
private func pad(_ s: Specimen, digits: Int) throws -> String {
    let name = "v" + String(repeating: "0", count: digits - 1) + "1"
    try s.move("v1", name)
    var inventory = try s.json()
    inventory["head"] = name
    let versions = inventory["versions"] as! [String: Any]
    inventory["versions"] = [name: versions["v1"]!]
    let manifest = inventory["manifest"] as! [String: [String]]
    inventory["manifest"] = manifest.mapValues { $0.map { name + $0.dropFirst(2) } }
    try s.writeInventory(inventory, at: "")
    try s.writeInventory(inventory, at: name)
    return name
}

/// Rewrites `one` with sha256 as its digestAlgorithm (digests recomputed, sidecars renamed).
private func useSHA256(_ s: Specimen) throws {
    let digest = sha256Hex(try Data(contentsOf: s.file(aFile)))
    try s.edit { inventory in
        inventory["digestAlgorithm"] = "sha256"
        inventory["manifest"] = [digest: [aFile]]
        inventory.update("versions", "v1") { $0["state"] = [digest: ["a_file.txt"]] }
    }
    try s.remove("inventory.json.sha512")
    try s.remove("v1/inventory.json.sha512")
}

enum Damages {
    static let objects: [ObjectDamage] = [
        .init(["E001"], one, "a file in the object root") { try $0.write("x", "extra.txt") },
        .init(["E002", "E004", "E003"], one, "the declaration without its T=") { try $0.move("0=ocfl_object_1.1", "ocfl_object_1.1") },
        .init(["E003"], one, "two declarations") { try $0.write("ocfl_object_1.0\n", "0=ocfl_object_1.0") },
        .init(["E005", "E002", "E003"], one, "the declaration tagged 1=") { try $0.move("0=ocfl_object_1.1", "1=ocfl_object_1.1") },
        .init(["E006", "E002"], one, "the declaration's dvalue is not ocfl_object_") { try $0.move("0=ocfl_object_1.1", "0=ocfl_objekt_1.1") },
        .init(["E007", "E002"], one, "the declaration lacks its newline") { try $0.write("ocfl_object_1.1", "0=ocfl_object_1.1") },
        .init(["E008"], one, "no version") { try $0.edit { $0["versions"] = [String: Any]() } },
        .init(["E009"], three, "the sequence starts at v2") { try $0.edit { $0.update("versions") { $0["v1"] = nil } } },
        .init(["E010"], three, "v2 missing from the inventory's sequence") { try $0.edit { $0.update("versions") { $0["v2"] = nil } } },
        .init(["E011", "E013"], one, "v01…v10: more versions than the padding allows") { s in
            let first = try pad(s, digits: 2)
            var inventory = try s.json()
            inventory.update("versions") { versions in
                for n in 2...10 { versions[n < 10 ? "v0\(n)" : "v\(n)"] = versions[first] }
            }
            inventory["head"] = "v10"
            try s.writeInventory(inventory, at: "")
        },
        .init(["E012"], three, "v1, v02, v3") { s in
            try s.edit { $0.update("versions") { $0["v02"] = $0["v2"]; $0["v2"] = nil } }
        },
        .init(["E013", "E012"], three, "v1, v2, then v03") { s in
            try s.edit {
                $0.update("versions") { $0["v03"] = $0["v3"]; $0["v3"] = nil }
                $0["head"] = "v03"
            }
        },
        .init(["E014", "E042"], one, "a content path names v01 for v1") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["v01/content/a_file.txt"]] }
        },
        .init(["E015"], one, "a file in a version directory") { try $0.write("x", "v1/notes.txt") },
        .init(["E015"], one, "a second sidecar (md5) in a version directory") { try $0.write("x", "v1/inventory.json.md5") },
        .init(["E059", "E058"], three, "v1's sidecar named after sha256 in a sha512 inventory") { try $0.move("v1/inventory.json.sha512", "v1/inventory.json.sha256") },
        .init(["E016", "E092"], full, "v2's content is in the manifest, v2 has no content directory") { try $0.remove("v2/content") },
        .init(["E017", "E108"], stuff, "contentDirectory holds a /") { try $0.edit { $0["contentDirectory"] = "st/uff" } },
        .init(["E018", "E108"], stuff, "contentDirectory is ..") { try $0.edit { $0["contentDirectory"] = ".." } },
        .init(["E019"], three, "contentDirectory set after v1") { try $0.edit { $0["contentDirectory"] = "content" } },
        .init(["E020"], three, "contentDirectory changes after v1") { try $0.edit { $0["contentDirectory"] = "data" } },
        .init(["E021", "E042"], one, "content in v1/data without contentDirectory") { s in
            try s.move("v1/content", "v1/data")
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["v1/data/a_file.txt"]] }
        },
        .init(["E023"], one, "a content file not in the manifest") { try $0.write("x", "v1/content/extra.txt") },
        .init(["E024"], full, "an empty directory in the content directory") { try $0.makeDirectory("v1/content/empty/dir") },
        .init(["E025"], one, "digestAlgorithm md5") { try $0.edit { $0["digestAlgorithm"] = "md5" } },
        .init(["E026", "E056"], full, "fixity algorithm crc32") { s in
            try s.edit { $0.update("fixity") { $0["crc32"] = ["deadbeef": ["v1/content/image.tiff"]] } }
        },
        .init(["E029", "E057"], full, "a sha1 fixity value that is not hex") { s in
            try s.edit { $0.update("fixity") { $0["sha1"] = [String(repeating: "z", count: 40): ["v1/content/image.tiff"]] } }
        },
        .init(["E030", "E057"], full, "a sha256 fixity value that is not hex") { s in
            try s.edit { $0.update("fixity") { $0["sha256"] = [String(repeating: "g", count: 64): ["v1/content/image.tiff"]] } }
        },
        .init(["E031", "E025"], one, "a sha512 manifest digest that is not hex") { s in
            try s.edit { inventory in
                let digest = inventory.firstKey("manifest")
                let bad = String(digest.dropLast()) + "x"
                inventory["manifest"] = [bad: [aFile]]
                inventory.update("versions", "v1") { $0["state"] = [bad: ["a_file.txt"]] }
            }
        },
        .init(["E032", "E057"], full, "a blake2b-512 fixity value that is not hex") { s in
            try s.edit { $0.update("fixity") { $0["blake2b-512"] = [String(repeating: "q", count: 128): ["v1/content/image.tiff"]] } }
        },
        .init(["E033"], one, "the inventory is not JSON") { try $0.write("{ \"id\": ", "inventory.json") },
        .init(["E034", "E063"], one, "the inventory is named Inventory.json") { try $0.move("inventory.json", "Inventory.json") },
        .init(["E035", "E042"], one, "a content path written with \\") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["v1\\content\\a_file.txt"]] }
        },
        .init(["E036"], one, "no type") { try $0.edit { $0["type"] = nil } },
        .init(["E037"], one, "an empty id") { try $0.edit { $0["id"] = "" } },
        .init(["E038"], one, "the 1.0 inventory type in a 1.1 object") { try $0.edit { $0["type"] = "https://ocfl.io/1.0/spec/#inventory" } },
        .init(["E039", "E025"], one, "sha512 digests under digestAlgorithm sha256") { try $0.edit { $0["digestAlgorithm"] = "sha256" } },
        .init(["E040"], three, "head is v2 of v1…v3") { try $0.edit { $0["head"] = "v2" } },
        .init(["E041"], full, "no manifest") { try $0.edit { $0["manifest"] = nil } },
        .init(["E042"], one, "a content path outside the content directory") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["v1/a_file.txt"]] }
        },
        .init(["E043", "E044", "E041"], one, "no versions block") { try $0.edit { $0["versions"] = nil } },
        .init(["E045", "E044"], one, "versions is an array") { try $0.edit { $0["versions"] = [Any]() } },
        .init(["E046"], one, "a version directory v2 not in the inventory") { try $0.write("x", "v2/content/a.txt") },
        .init(["E046", "E010"], three, "version v2 of the inventory has no directory") { try $0.remove("v2") },
        .init(["E047"], one, "a version block that is not an object") { try $0.edit { $0.update("versions") { $0["v1"] = "v1" } } },
        .init(["E048"], one, "a version without created") { try $0.edit { $0.update("versions", "v1") { $0["created"] = nil } } },
        .init(["E049"], one, "created without a time") { try $0.edit { $0.update("versions", "v1") { $0["created"] = "2019-01-01" } } },
        .init(["E050"], one, "a state digest not in the manifest") { s in
            try s.edit { $0.update("versions", "v1") { $0["state"] = [sha512Hex(Data("other".utf8)): ["a_file.txt"]] } }
        },
        .init(["E051"], one, "a logical path that is not a string") { s in
            try s.edit { inventory in
                let digest = inventory.firstKey("manifest")
                inventory.update("versions", "v1") { $0["state"] = [digest: [42]] }
            }
        },
        .init(["E052"], one, "a logical path with ..") { s in
            try s.edit { inventory in
                let digest = inventory.firstKey("manifest")
                inventory.update("versions", "v1") { $0["state"] = [digest: ["a/../a_file.txt"]] }
            }
        },
        .init(["E053"], one, "a logical path beginning with /") { s in
            try s.edit { inventory in
                let digest = inventory.firstKey("manifest")
                inventory.update("versions", "v1") { $0["state"] = [digest: ["/a_file.txt"]] }
            }
        },
        .init(["E054"], one, "a user without name") { try $0.edit { $0.update("versions", "v1", "user") { $0["name"] = nil } } },
        .init(["E055", "E102"], full, "fixity under the key Fixity") { s in
            try s.edit { $0["Fixity"] = $0["fixity"]; $0["fixity"] = nil }
        },
        .init(["E056", "E026"], full, "fixity algorithm sha3-256") { s in
            try s.edit { $0.update("fixity") { $0["sha3-256"] = [String(repeating: "0", count: 64): ["v1/content/image.tiff"]] } }
        },
        .init(["E057"], full, "fixity names a content path not in the manifest") { s in
            try s.edit { $0.update("fixity") { $0["md5"] = [String(repeating: "0", count: 32): ["v1/content/nothere.txt"]] } }
        },
        .init(["E058"], one, "no sidecar") { try $0.remove("inventory.json.sha512") },
        .init(["E059", "E058"], one, "the sidecar named after sha256 in a sha512 object") { try $0.move("inventory.json.sha512", "inventory.json.sha256") },
        .init(["E060"], one, "the sidecar's digest is wrong") { try $0.write(String(repeating: "0", count: 128) + "  inventory.json\n", "inventory.json.sha512") },
        .init(["E061"], one, "the sidecar lacks the file name") { s in
            let digest = sha512Hex(try Data(contentsOf: s.file("inventory.json")))
            try s.write(digest + "\n", "inventory.json.sha512")
        },
        .init(["E063"], one, "no root inventory") { try $0.remove("inventory.json"); try $0.remove("inventory.json.sha512") },
        .init(["E064"], three, "the root inventory differs from v3's") { s in
            var inventory = try s.json()
            inventory.update("versions", "v3") { $0["message"] = "changed in the root only" }
            try s.writeInventory(inventory, at: "")
        },
        .init(["E066"], three, "v2's inventory gives v1 another state") { s in
            try s.editVersion("v2") { inventory in
                let digest = inventory.firstKey("manifest")
                inventory.update("versions", "v1") { $0["state"] = [digest: ["other.txt"]] }
            }
        },
        .init(["E067"], one, "a file in extensions") { try $0.write("x", "extensions/readme.txt") },
        .init(["E082", "E001"], full, "an object inside the object") { s in
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("good-objects/" + one), to: s.file("nested"))
        },
        .init(["E090"], one, "a content file is a symbolic link") { s in
            let outside = s.url.deletingLastPathComponent().appendingPathComponent("outside.txt")
            try FileManager.default.moveItem(at: s.file(aFile), to: outside)
            try FileManager.default.createSymbolicLink(at: s.file(aFile), withDestinationURL: outside)
        },
        .init(["E090"], one, "a content file is a hard link") { s in
            let outside = s.url.deletingLastPathComponent().appendingPathComponent("outside.txt")
            try FileManager.default.copyItem(at: s.file(aFile), to: outside)
            try s.remove(aFile)
            try FileManager.default.linkItem(at: outside, to: s.file(aFile))
        },
        .init(["E090"], one, "a log file is a symbolic link") { s in
            try s.makeDirectory("logs")
            try FileManager.default.createSymbolicLink(atPath: s.file("logs/log.txt").path, withDestinationPath: "/etc/hostname")
        },
        .init(["E090", "E067"], one, "an extension directory is a symbolic link") { s in
            try s.makeDirectory("extensions")
            try FileManager.default.createSymbolicLink(atPath: s.file("extensions/0005-mutable-head").path, withDestinationPath: "/tmp")
        },
        .init(["E092"], one, "a content file changed") { s in
            var data = try Data(contentsOf: s.file(aFile))
            data[0] ^= 1
            try data.write(to: s.file(aFile))
        },
        .init(["E093"], full, "a wrong md5 fixity value") { s in
            try s.edit { inventory in
                inventory.update("fixity") { fixity in
                    var md5 = fixity["md5"] as! [String: Any]
                    md5["c289c8ccd4bab6e385f5afdd89b5bda2"] = nil
                    md5[String(repeating: "0", count: 32)] = ["v1/content/image.tiff"]
                    fixity["md5"] = md5
                }
            }
        },
        .init(["E093"], full, "a wrong size fixity value (extension 0009)") { s in
            try s.edit { $0.update("fixity") { $0["size"] = ["1": ["v1/content/image.tiff"]] } }
        },
        .init(["E094"], one, "a message that is not a string") { try $0.edit { $0.update("versions", "v1") { $0["message"] = 42 } } },
        .init(["E095"], one, "a logical path that is also a directory") { s in
            try s.edit { inventory in
                let digest = inventory.firstKey("manifest")
                inventory.update("versions", "v1") { $0["state"] = [digest: ["a_file.txt", "a_file.txt/b"]] }
            }
        },
        .init(["E096"], full, "a manifest digest twice, in two cases") { s in
            try FileManager.default.copyItem(at: s.file("v1/content/image.tiff"), to: s.file("v1/content/image2.tiff"))
            try s.edit { inventory in
                let digest = "ffccf6baa21809716f31563fafb9f333c09c336bb7400088f17e4ff307f98fc9b14a577f92f3285913b7f53a6d5cf004503cf839aada1c885ac69336cbfb862e"
                inventory.update("manifest") { $0[digest.uppercased()] = ["v1/content/image2.tiff"] }
            }
        },
        .init(["E097"], full, "a fixity digest twice, in two cases") { s in
            try s.edit { $0.update("fixity", "md5") { $0["C289C8CCD4BAB6E385F5AFDD89B5BDA2"] = ["v1/content/image.tiff"] } }
        },
        .init(["E098", "E092"], one, "a content path that is not a string") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): [42]] }
        },
        .init(["E099"], one, "a content path with .") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["v1/content/./a_file.txt"]] }
        },
        .init(["E100"], one, "a content path beginning with /") { s in
            try s.edit { $0["manifest"] = [$0.firstKey("manifest"): ["/v1/content/a_file.txt"]] }
        },
        .init(["E101"], full, "a content path that is a directory of another") { s in
            let empty = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
            try s.edit { $0.update("manifest") { $0[empty] = ["v1/content/empty.txt", "v1/content/foo"] } }
        },
        .init(["E102"], one, "an unknown key") { try $0.edit { $0["note"] = "x" } },
        .init(["E103"], three, "v2's inventory declares 1.0 after v1's 1.1") { try $0.editVersion("v2") { $0["type"] = "https://ocfl.io/1.0/spec/#inventory" } },
        .init(["E104"], one, "a version named 1") { s in
            try s.edit { inventory in
                inventory.update("versions") { $0["1"] = $0["v1"]; $0["v1"] = nil }
                inventory["head"] = "1"
            }
        },
        .init(["E105"], three, "a version v0") { try $0.edit { $0.update("versions") { $0["v0"] = $0["v1"] } } },
        .init(["E106"], one, "the manifest is an array") { try $0.edit { $0["manifest"] = [Any]() } },
        .init(["E107"], full, "a manifest digest no version uses") { s in
            try s.write("unused", "v1/content/unused.txt")
            try s.edit { $0.update("manifest") { $0[sha512Hex(Data("unused".utf8))] = ["v1/content/unused.txt"] } }
        },
        .init(["E110"], three, "v1's inventory has another id") { try $0.editVersion("v1") { $0["id"] = "uri:another" } },
        .init(["E111"], full, "fixity is an array") { try $0.edit { $0["fixity"] = [Any]() } },
        // Warnings.
        .init(["W001"], one, "zero-padded version names") { try pad($0, digits: 3) },
        .init(["W002"], one, "an extra directory in a version") { try $0.write("x", "v1/extra/x.txt") },
        .init(["W003"], full, "an empty content directory") { try $0.makeDirectory("v3/content") },
        .init(["W004"], one, "digestAlgorithm sha256") { try useSHA256($0) },
        .init(["W005"], one, "an id that is not a URI") { try $0.edit { $0["id"] = "abc 123" } },
        .init(["W007"], one, "a version without message") { try $0.edit { $0.update("versions", "v1") { $0["message"] = nil } } },
        .init(["W008"], one, "a user without address") { try $0.edit { $0.update("versions", "v1", "user") { $0["address"] = nil } } },
        .init(["W009"], one, "an address that is not a URI") { try $0.edit { $0.update("versions", "v1", "user") { $0["address"] = "a person at example.org" } } },
        .init(["W010"], three, "no inventory in v1") { try $0.remove("v1/inventory.json"); try $0.remove("v1/inventory.json.sha512") },
        .init(["W011"], three, "v1's inventory gives v1 another message") { try $0.editVersion("v1") { $0.update("versions", "v1") { $0["message"] = "x" } } },
        .init(["W013"], one, "an unregistered extension") { try $0.write("x", "extensions/9999-not-registered/x.txt") },
    ]

    static let roots: [RootDamage] = [
        .init(["E069"], "no declaration") { try $0.remove("0=ocfl_1.1") },
        .init(["E070"], "ocfl_layout.json without description") { try $0.write("{\"extension\": \"\(StorageLayout.extensionName)\"}", "ocfl_layout.json") },
        .init(["E071"], "a layout that is not a registered extension name") { try $0.write("{\"extension\": \"my layout\", \"description\": \"x\"}", "ocfl_layout.json") },
        .init(["E072", "E084"], "a file in an intermediate directory") { r in
            try r.write("x", (r.firstObject as NSString).deletingLastPathComponent + "/notes.txt")
        },
        .init(["E073", "E085"], "an empty directory") { try $0.makeDirectory("aaa/bbb") },
        .init(["E075", "E077", "E069"], "the declaration without its T=") { try $0.move("0=ocfl_1.1", "ocfl_1.1") },
        .init(["E076"], "two declarations") { try $0.write("ocfl_1.0\n", "0=ocfl_1.0") },
        .init(["E078", "E075"], "the declaration tagged 1=") { try $0.move("0=ocfl_1.1", "1=ocfl_1.1") },
        .init(["E079", "E075"], "the declaration's dvalue is not ocfl_") { try $0.move("0=ocfl_1.1", "0=ocfl-1.1") },
        .init(["E080", "E075"], "the declaration lacks its newline") { try $0.write("ocfl_1.1", "0=ocfl_1.1") },
        .init(["E081"], "a 1.0 root holding 1.1 objects") { r in
            try r.remove("0=ocfl_1.1")
            try r.write("ocfl_1.0\n", "0=ocfl_1.0")
        },
        .init(["E082"], "an object inside an object") { try $0.copyObject(one, to: $0.firstObject + "/nested") },
        .init(["E037", "E083"], "two objects with the same id") { try $0.copyObject(full, to: "aaa/bbb/ccc/copy") },
        .init(["E083"], "an object away from its layout path") { r in
            try r.move(r.firstObject, "aaa/bbb/ccc/" + (r.firstObject as NSString).lastPathComponent)
        },
        .init(["E085", "E084", "E072", "E088"], "a hierarchy ending in a directory of files") { try $0.write("x", "abc/def/readme.txt") },
        .init(["E088"], "a top-level directory holding no object") { try $0.write("x", "notes/readme.txt") },
        .init(["E090"], "a symbolic link in the hierarchy") { r in
            let tuple = String(r.firstObject.split(separator: "/")[0])
            try FileManager.default.createSymbolicLink(atPath: r.file(tuple + "/link").path, withDestinationPath: "/tmp")
        },
        .init(["E112"], "a file in extensions") { try $0.write("x", "extensions/readme.txt") },
        .init(["E090"], "a hard link in a storage root extension") { r in
            let config = r.file("extensions/\(StorageLayout.extensionName)/config.json")
            try FileManager.default.linkItem(at: config, to: r.file("extensions/\(StorageLayout.extensionName)/copy.json"))
        },
        .init(["W014"], "two layout patterns, no declared layout") { r in
            try r.remove("ocfl_layout.json")
            let second = StorageLayout().path(for: "ark:123/abc")
            try r.move(second, "ab/cd/" + (second as NSString).lastPathComponent)
        },
        .init(["W015"], "top-level and nested objects, no declared layout") { r in
            try r.remove("ocfl_layout.json")
            try r.move(StorageLayout().path(for: "ark:123/abc"), "object-m")
        },
        .init(["W016"], "an unregistered extension") { try $0.write("{}", "extensions/9999-local/config.json") },
    ]
}

/// Each rule of the OCFL 1.1 validation codes table that a validator can check, broken on purpose
/// in a copy of a good object or storage root: `livret archive verify` must report the table's code.
@Suite struct ValidationCodeTests {
    static func scratch() throws -> URL { try TestSupport.temporaryDirectory("ocfl-codes") }

    @Test("a damaged object is reported with the code of the rule it breaks", arguments: Damages.objects)
    func object(_ damage: ObjectDamage) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let specimen = try Specimen.copy(damage.base, to: dir.appendingPathComponent("object"))
        try damage.apply(specimen)
        let report = OCFLObjectValidator().validate(objectAt: specimen.path)
        let found = Set(report.issues.map(\.code))
        for code in damage.codes {
            #expect(found.contains(code), "\(code) not reported: \(report.issues)")
        }
        if damage.isError {
            #expect(!report.isValid)
        } else {
            #expect(report.isValid, "\(report.errors)")
        }
    }

    @Test("a damaged storage root is reported with the code of the rule it breaks", arguments: Damages.roots)
    func root(_ damage: RootDamage) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = try RootSpecimen.make(at: dir.appendingPathComponent("root"))
        try damage.apply(root)
        let report = OCFLRootValidator().validate(rootAt: root.path)
        let all = report.issues + report.objects.flatMap(\.issues)
        let found = Set(all.map(\.code))
        for code in damage.codes {
            #expect(found.contains(code), "\(code) not reported: \(all)")
        }
        #expect(report.isValid == !damage.isError, "\(all)")
    }

    @Test("the specimens are good before damage: a rewrite that changes nothing leaves no issue",
          arguments: [full, one, three, stuff])
    func untouched(_ base: String) throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let specimen = try Specimen.copy(base, to: dir.appendingPathComponent("object"))
        try specimen.edit { _ in }
        #expect(OCFLObjectValidator().validate(objectAt: specimen.path).issues.isEmpty)
        let root = try RootSpecimen.make(at: dir.appendingPathComponent("root"))
        let report = OCFLRootValidator().validate(rootAt: root.path)
        #expect(report.objects.count == RootSpecimen.objects.count)
        #expect(report.issues.isEmpty && report.objects.allSatisfy(\.issues.isEmpty), "\(report.issues) \(report.objects.map(\.issues))")
    }

    @Test("processing rules: directories beside the content directory are ignored (E022), other files in the storage root are ignored (E087), extension fixity algorithms are accepted and those not computed ignored (E028)")
    func processingRules() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // E022: only W002, the file in the extra directory is not content (no E023).
        let extra = try Specimen.copy(one, to: dir.appendingPathComponent("extra"))
        try extra.write("x", "v1/extra/x.txt")
        #expect(OCFLObjectValidator().validate(objectAt: extra.path).issues.map(\.code) == ["W002"])
        // E087: a copy of the spec and a README beside the declaration.
        let root = try RootSpecimen.make(at: dir.appendingPathComponent("root"))
        try root.write("# OCFL 1.1\n", "ocfl_1.1.md")
        try root.write("readme\n", "README.txt")
        let report = OCFLRootValidator().validate(rootAt: root.path)
        #expect(report.issues.isEmpty && report.errorCount == 0 && report.warningCount == 0, "\(report.issues)")
        // E028 / extension 0009: well-formed values of algorithms not computed here, and a right size.
        let fixity = try Specimen.copy(full, to: dir.appendingPathComponent("fixity"))
        let size = try Data(contentsOf: fixity.file("v1/content/image.tiff")).count
        try fixity.edit { inventory in
            inventory.update("fixity") { fixity in
                fixity["blake2b-160"] = [String(repeating: "a", count: 40): ["v1/content/image.tiff"]]
                fixity["blake2b-256"] = [String(repeating: "b", count: 64): ["v1/content/image.tiff"]]
                fixity["blake2b-384"] = [String(repeating: "c", count: 96): ["v1/content/image.tiff"]]
                fixity["sha512/256"] = [String(repeating: "d", count: 64): ["v1/content/image.tiff"]]
                fixity["size"] = [String(size): ["v1/content/image.tiff"], "0": ["v1/content/empty.txt"]]
            }
        }
        #expect(OCFLObjectValidator().validate(objectAt: fixity.path).issues.isEmpty)
    }

    @Test("the CLI prints the new codes: verify --object-dir and --root exit 1 naming them")
    func cli() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let specimen = try Specimen.copy(full, to: dir.appendingPathComponent("object"))
        try specimen.remove("v2/content")
        let object = try TestSupport.livret(["archive", "verify", "--object-dir", specimen.path])
        #expect(object.status == 1)
        #expect(object.stdoutText.contains("E016 ark:/12345/bcd987 v2:"), "\(object.stdoutText)")
        let root = try RootSpecimen.make(at: dir.appendingPathComponent("root"))
        try root.write("x", "notes/readme.txt")
        let result = try TestSupport.livret(["archive", "verify", "--root", root.path])
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("E088 storage-root notes:"), "\(result.stdoutText)")
    }
}

/// ocfl-py 2.1.0 judges the same damaged objects and roots: where it disagrees, the disagreement
/// is listed (and checked, so that the list stays true).
@Suite struct ValidationCodeCrossCheckTests {
    /// Damaged objects ocfl-py 2.1.0 accepts or cannot judge (it raises), by description, with what it does.
    static let ocflPyDisagreements: [String: String] = [
        "E007 the declaration lacks its newline": "VALID: ocfl-py does not require the newline after ocfl_object_1.1",
        "E038 the 1.0 inventory type in a 1.1 object": "VALID: ocfl-py accepts a 1.0 type under a 1.1 declaration",
        "E041 no manifest": "raises TypeError",
        "E051 a logical path that is not a string": "raises AttributeError",
        "E055 fixity under the key Fixity": "VALID: ocfl-py does not check for unknown keys (E102)",
        "E090 a content file is a symbolic link": "VALID: ocfl-py does not check links",
        "E090 a content file is a hard link": "VALID: ocfl-py does not check links",
        "E090 a log file is a symbolic link": "VALID: ocfl-py does not check links",
        "E098 a content path that is not a string": "raises AttributeError",
        "E102 an unknown key": "VALID: ocfl-py does not check for unknown keys",
    ]

    /// ocfl-py's object validation (what `ocfl-validate.py` runs), one process for many paths, each
    /// path on its own (ocfl-py 2.1.0 raises on some damaged inventories): prints a JSON line per path.
    static let driver = """
        import json, sys, logging
        logging.basicConfig(level=logging.CRITICAL)
        import ocfl
        for path in sys.argv[1:]:
            try:
                if ocfl.find_path_type(path) != "object":
                    print(json.dumps({"path": path, "verdict": "BAD PATH", "codes": []})); continue
                passed, validator = ocfl.Object().validate(objdir=path, log_warnings=True, log_errors=True, check_digests=True)
                codes = sorted({line[1:5] for line in str(validator).splitlines() if line.startswith("[")})
                print(json.dumps({"path": path, "verdict": "VALID" if passed else "INVALID", "codes": codes}))
            except Exception as e:
                print(json.dumps({"path": path, "verdict": "RAISES " + type(e).__name__, "codes": []}))
        """

    /// path → (verdict: VALID, INVALID, BAD PATH or RAISES <exception>, codes).
    static func ocflPy(_ paths: [String]) throws -> [String: (verdict: String, codes: [String])] {
        let venv = try Tools.venv()
        let result = try TestSupport.run(venv + "/bin/python", ["-c", driver] + paths)
        var verdicts: [String: (String, [String])] = [:]
        for line in result.stdoutText.split(separator: "\n") {
            guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let path = json["path"] as? String, let verdict = json["verdict"] as? String, let codes = json["codes"] as? [String]
            else { continue }
            verdicts[path] = (verdict, codes)
        }
        return verdicts
    }

    @Test("ocfl-py also rejects every damaged object (or the disagreement is listed)")
    func objects() throws {
        let dir = try TestSupport.temporaryDirectory("ocfl-codes-py")
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (index, damage) in Damages.objects.enumerated() {
            let specimen = try Specimen.copy(damage.base, to: dir.appendingPathComponent("\(index)/object"))
            try damage.apply(specimen)
            paths.append(specimen.path)
        }
        let verdicts = try Self.ocflPy(paths)
        var disagreements: [String] = []
        for (damage, path) in zip(Damages.objects, paths) {
            let verdict = try #require(verdicts[path], "ocfl-py said nothing of \(damage.testDescription)")
            let agrees = damage.isError ? verdict.verdict != "VALID" && !verdict.verdict.hasPrefix("RAISES")
                : verdict.verdict == "VALID" && verdict.codes.contains(damage.codes[0])
            if !agrees { disagreements.append(damage.testDescription) }
            print("ocfl-py \(damage.testDescription): \(verdict.verdict) \(verdict.codes)")
        }
        #expect(Set(disagreements) == Set(Self.ocflPyDisagreements.keys), "\(disagreements)")
    }
}

extension ValidationCodeCrossCheckTests {
    /// Damaged roots ocfl-validate-root accepts, by description, with what it does.
    static let rootDisagreements: [String: String] = [
        "E080 the declaration lacks its newline": "VALID: ocfl-py does not require the newline after ocfl_1.1",
        "E090 a hard link in a storage root extension": "VALID: ocfl-validate-root checks symbolic links only",
    ]

    @Test("ocfl-validate-root also judges every damaged storage root as livret does (or the disagreement is listed)",
          arguments: Damages.roots)
    func root(_ damage: RootDamage) throws {
        let dir = try TestSupport.temporaryDirectory("ocfl-codes-py-root")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = try RootSpecimen.make(at: dir.appendingPathComponent("root"))
        try damage.apply(root)
        let result = try Tools.validate(root: root.url)
        #expect(result.status == 0 || result.status == 1, "\(result.output)")
        let agrees = damage.isError ? result.status == 1 : result.status == 0
        #expect(agrees == (Self.rootDisagreements[damage.testDescription] == nil), "\(result.output)")
    }
}
