import LivretArchive
import LivretModel

/// A returned stub's scan in a pupil's object: `<année>/recepisse-retour-<n>.<ext>`, as
/// ``StubRecorder`` archives it.
public struct ArchivedStub: Sendable, Hashable {
    /// The school year (`2015-2016`).
    public var annee: String
    /// `n`, from 1 within the année.
    public var number: Int
    /// `pdf`, `png` or `jpg`.
    public var fileExtension: String
    /// The version that added it.
    public var version: String
    /// When that version was made (ISO 8601).
    public var created: String

    /// The start of every stub's file name.
    static let fileStem = "recepisse-retour-"

    /// `<année>/recepisse-retour-`: what every stub path of `annee` starts with.
    public static func pathPrefix(annee: String) -> String { "\(annee)/\(fileStem)" }

    public var logicalPath: String { "\(Self.pathPrefix(annee: annee))\(number).\(fileExtension)" }

    /// The media type of the scan (from the extension the recorder chose from its first bytes).
    public var contentType: String {
        switch fileExtension {
        case "pdf": "application/pdf"
        case "png": "image/png"
        default: "image/jpeg"
        }
    }

    /// The stub at `logicalPath`, or nil when the path is not a stub's.
    public init?(logicalPath: String, version: String, created: String) {
        let parts = logicalPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifiers.isSchoolYear(String(parts[0])), parts[1].hasPrefix(Self.fileStem) else { return nil }
        let file = parts[1].dropFirst(Self.fileStem.count)
        guard let dot = file.lastIndex(of: "."), let number = ArchivedStub.number(String(file[..<dot])) else { return nil }
        let ext = String(file[file.index(after: dot)...])
        guard ["pdf", "png", "jpg"].contains(ext) else { return nil }
        self.init(annee: String(parts[0]), number: number, fileExtension: ext, version: version, created: created)
    }

    public init(annee: String, number: Int, fileExtension: String, version: String, created: String) {
        self.annee = annee
        self.number = number
        self.fileExtension = fileExtension
        self.version = version
        self.created = created
    }

    /// `text` as a stub number: 1 to 99999, decimal digits, no leading zero; else nil.
    public static func number(_ text: String) -> Int? {
        guard (1...5).contains(text.count), text.first != "0", text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// The stubs archived in `inventory`, in the order they were recorded (each with the version
    /// that added it).
    public static func all(in inventory: OCFLInventory) -> [ArchivedStub] {
        Archive.history(inventory).flatMap { info in
            info.added.compactMap { ArchivedStub(logicalPath: $0, version: info.name, created: info.created) }
        }
    }
}
