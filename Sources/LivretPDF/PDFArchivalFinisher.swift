import CCairo
import Crypto
import Foundation

/// What a finished PDF claims to be, and what it carries.
public enum PDFArchival: Hashable, Sendable {
    /// ISO 19005-2 level B (class PDFs, hand-over sheets): XMP, sRGB OutputIntent, /ID.
    case pdfA2b
    /// ISO 19005-3 level B with the document the PDF was rendered from embedded as an
    /// associated file (/AFRelationship /Source): a pupil's livret.
    case pdfA3b(source: Data, fileName: String, mimeType: String)
    /// No finishing: cairo's output as it is (tests compare against it).
    case none

    /// Whether the pages are tagged (structure elements, artifacts) for this profile.
    public var tagged: Bool {
        if case .pdfA3b = self { return true }
        return false
    }

    /// A pupil's livret: the canonical JSON document, as `livret.json`.
    public static func livret(source: Data) -> PDFArchival {
        .pdfA3b(source: source, fileName: "livret.json", mimeType: "application/json")
    }
}

/// What the finisher adds to one structure element cairo wrote (cairo 1.16 writes no
/// attributes): its /ID, and table attributes (/Scope of a TH, /Headers of a TD).
struct PDFStructureAttributes: Hashable, Sendable {
    var type: String
    var id: String?
    var scope: String?
    var headers: [String] = []
    var columnSpan = 1
    var rowSpan = 1
}

/// Turns cairo's PDF into an archival one (PDF/A-2b or PDF/A-3b), deterministically.
///
/// cairo 1.16 writes, at the end of its file, the document information dictionary, then the
/// catalog, then one classic xref table and a trailer without /ID. The finisher cuts the file
/// where those two objects begin and writes instead, keeping their object numbers:
/// the Info dictionary (dates in `D:` form, which cairo 1.16 omits), the catalog with /Metadata
/// (XMP with pdfaid, dc:title/creator/description, xmp dates, pdf:Producer: the same values as
/// Info), /OutputIntents (sRGB, ICC profile embedded), /Lang, and for PDF/A-3 /AF and /Names
/// /EmbeddedFiles pointing at the source; then the new objects, one classic xref table for
/// every object and a trailer with /ID. Objects before the cut are left byte for byte.
///
/// The result keeps a classic xref table and trailer (no xref stream, no object stream): a
/// signature can be added as an incremental update (objects, an xref section with 20-byte
/// entries, a trailer with /Prev = this file's `startxref`, /Root and /ID repeated).
///
/// /ID is two copies of the MD5 of cairo's bytes, the archival profile and the source: the
/// same input gives the same bytes.
public enum PDFArchivalFinisher {
    /// The natural language of every livret PDF (catalog /Lang).
    public static let language = "fr-FR"

    /// Finishes a whole PDF that cairo wrote in memory.
    public static func finish(_ pdf: Data, archival: PDFArchival, metadata: PDFMetadata) throws(PDFError) -> Data {
        if case .none = archival { return pdf }
        let bytes = [UInt8](pdf)
        let digest = Insecure.MD5.hash(data: bytes)
        let (cut, tail) = try finish(tail: bytes, base: 0, cairoDigest: Array(digest), archival: archival, metadata: metadata)
        var out = Data(bytes[0..<cut])
        out.append(contentsOf: tail)
        return out
    }

    /// The end of a file cairo wrote (`tail`, whose first byte is at offset `base` of the file,
    /// holding at least its Info, catalog, xref and trailer), and the MD5 of the whole file.
    /// Returns where to cut the file and what to write from there.
    /// `structure`: for a tagged PDF, the attributes of its structure elements in the order
    /// cairo created them; `tail` must then be the whole file.
    static func finish(
        tail: [UInt8], base: Int, cairoDigest: [UInt8], archival: PDFArchival, metadata: PDFMetadata,
        structure: [PDFStructureAttributes]? = nil
    ) throws(PDFError) -> (cut: Int, tail: [UInt8]) {
        do {
            return try build(tail: tail, base: base, cairoDigest: cairoDigest, archival: archival, metadata: metadata, structure: structure)
        } catch let error as PDFSyntaxError {
            throw PDFError(function: "PDFArchivalFinisher", message: "cairo's output is not as expected: \(error)")
        } catch let error as PDFError {
            throw error
        } catch {
            throw PDFError(function: "PDFArchivalFinisher", message: "\(error)")
        }
    }

    private static func build(
        tail: [UInt8], base: Int, cairoDigest: [UInt8], archival: PDFArchival, metadata: PDFMetadata,
        structure: [PDFStructureAttributes]?
    ) throws -> (cut: Int, tail: [UInt8]) {
        let reader = try PDFFileReader(tail, base: base)
        guard let rootNumber = reader.trailer["Root"]?.referenceValue, let infoNumber = reader.trailer["Info"]?.referenceValue,
              let size = reader.trailer["Size"]?.integerValue, reader.trailer["Prev"] == nil
        else { throw PDFError(function: "PDFArchivalFinisher", message: "cairo's trailer lacks /Root, /Info or /Size, or has /Prev") }
        let catalogObject = try reader.object(rootNumber)
        let infoObject = try reader.object(infoNumber)
        guard var catalog = catalogObject.value.dictionaryValue else {
            throw PDFError(function: "PDFArchivalFinisher", message: "the catalog is not a dictionary")
        }
        // Objects rewritten in place (tagging: content streams, structure elements).
        var replacements: [Int: [UInt8]] = [:]
        if let structure {
            guard base == 0 else { throw PDFError(function: "PDFArchivalFinisher", message: "a tagged PDF is finished in memory") }
            replacements = try PDFStructureFinisher.replacements(reader: reader, catalog: catalog, structure: structure)
            catalog["ViewerPreferences"] = .dictionary(["DisplayDocTitle": .bool(true)])
        }
        var cut = min(catalogObject.start, infoObject.start)
        // An object starts at its xref offset (no need to read it again).
        for number in replacements.keys { if let entry = reader.entries[number] { cut = min(cut, entry.offset) } }
        // Every object from the cut on is written again (in its place in the order), the Info
        // and the catalog after them; nothing before the cut moves.
        var kept: [(offset: Int, number: Int)] = []
        for (number, entry) in reader.entries where entry.inUse && number != rootNumber && number != infoNumber && entry.offset >= cut {
            kept.append((entry.offset, number))
        }
        kept.sort { $0.offset < $1.offset }
        let producer: String = {
            if case .string(let bytes)? = infoObject.value["Producer"] { return String(decoding: bytes, as: UTF8.self) }
            return "cairo \(String(cString: cairo_version_string()))"
        }()
        guard let date = PDFObject.date(iso8601: metadata.creationDate) else {
            throw PDFError(function: "PDFArchivalFinisher", message: "creation date '\(metadata.creationDate)' is not YYYY-MM-DDTHH:MM:SSZ")
        }

        var objects: [(Int, [UInt8])] = []
        var next = size
        func add(_ body: [UInt8]) -> Int {
            defer { next += 1 }
            objects.append((next, body))
            return next
        }

        // The identification of what was made: profile and source take part in /ID.
        var identity = Insecure.MD5()
        identity.update(data: cairoDigest)
        let part: Int
        switch archival {
        case .pdfA2b:
            part = 2
            identity.update(data: Array("PDF/A-2b".utf8))
        case .pdfA3b(let source, let fileName, let mimeType):
            part = 3
            identity.update(data: Array("PDF/A-3b \(fileName) \(mimeType)".utf8))
            identity.update(data: source)
        case .none:
            preconditionFailure("not finished")
        }
        let id = Array(identity.finalize())

        // XMP and Info say the same things (ISO 19005-2 6.6.3).
        let xmp = XMPPacket(
            part: part, conformance: "B", title: metadata.title, author: metadata.author, subject: metadata.subject,
            keywords: metadata.keywords, creatorTool: metadata.creator, producer: producer, date: metadata.creationDate)
        let xmpBytes = Array(xmp.serialized.utf8)
        let metadataNumber = add(stream(["Type": .name("Metadata"), "Subtype": .name("XML")], xmpBytes))
        let iccNumber = add(stream(["N": .integer(3), "Filter": .name("FlateDecode")], SRGBProfile.compressed))
        catalog["Metadata"] = .reference(metadataNumber, 0)
        catalog["OutputIntents"] = .array([.dictionary([
            "Type": .name("OutputIntent"), "S": .name("GTS_PDFA1"),
            "OutputConditionIdentifier": .text(SRGBProfile.outputConditionIdentifier),
            "Info": .text(SRGBProfile.outputConditionIdentifier),
            "RegistryName": .text("http://www.color.org"),
            "DestOutputProfile": .reference(iccNumber, 0),
        ])])
        catalog["Lang"] = .text(language)

        if case .pdfA3b(let source, let fileName, let mimeType) = archival {
            let sourceBytes = [UInt8](source)
            let fileNumber = add(stream([
                "Type": .name("EmbeddedFile"), "Subtype": .name(mimeType), "Filter": .name("FlateDecode"),
                "Params": .dictionary([
                    "Size": .integer(sourceBytes.count),
                    "CheckSum": .string(Array(Insecure.MD5.hash(data: sourceBytes))),
                    "CreationDate": date, "ModDate": date,
                ]),
            ], Flate.compress(sourceBytes, level: Flate.fast)))
            let specNumber = add(PDFObject.dictionary([
                "Type": .name("Filespec"), "F": .text(fileName), "UF": .text(fileName),
                "Desc": .text("Document source (JSON canonique) dont ce PDF est le rendu"),
                "AFRelationship": .name("Source"),
                "EF": .dictionary(["F": .reference(fileNumber, 0), "UF": .reference(fileNumber, 0)]),
            ]).serialized)
            catalog["AF"] = .array([.reference(specNumber, 0)])
            var names = catalog["Names"]?.dictionaryValue ?? [:]
            guard catalog["Names"] == nil || catalog["Names"]?.dictionaryValue != nil, names["EmbeddedFiles"] == nil else {
                throw PDFError(function: "PDFArchivalFinisher", message: "cairo's catalog already has /Names that cannot be merged")
            }
            names["EmbeddedFiles"] = .dictionary(["Names": .array([.text(fileName), .reference(specNumber, 0)])])
            catalog["Names"] = .dictionary(names)
        }

        var info: [String: PDFObject] = [
            "Title": .text(metadata.title), "Author": .text(metadata.author), "Creator": .text(metadata.creator),
            "Producer": .text(producer), "CreationDate": date, "ModDate": date,
        ]
        if let subject = metadata.subject { info["Subject"] = .text(subject) }
        if let keywords = metadata.keywords { info["Keywords"] = .text(keywords) }

        // Write: Info and catalog where cairo had them, the new objects, xref, trailer.
        var out: [UInt8] = []
        var offsets: [Int: Int] = [:]
        func emit(_ number: Int, _ body: [UInt8]) {
            offsets[number] = cut + out.count
            out += Array("\(number) 0 obj\n".utf8)
            out += body
            out += Array("\nendobj\n".utf8)
        }
        // An object kept as it is runs from its offset to the next object's (or the xref table).
        let boundaries = (reader.entries.values.filter(\.inUse).map(\.offset) + [reader.startXref]).sorted()
        for (offset, number) in kept {
            if let body = replacements[number] {
                emit(number, body)
            } else {
                var low = 0, high = boundaries.count - 1
                while low < high {   // the first boundary after `offset`
                    let middle = (low + high) / 2
                    if boundaries[middle] > offset { high = middle } else { low = middle + 1 }
                }
                guard boundaries[low] > offset else { throw PDFError(function: "PDFArchivalFinisher", message: "object \(number) runs past the xref table") }
                offsets[number] = cut + out.count
                out += tail[(offset - base)..<(boundaries[low] - base)]
            }
        }
        emit(infoNumber, PDFObject.dictionary(info).serialized)
        emit(rootNumber, PDFObject.dictionary(catalog).serialized)
        for (number, body) in objects { emit(number, body) }

        let xrefOffset = cut + out.count
        out += Array("xref\n0 \(next)\n".utf8)
        for number in 0..<next {
            if let offset = offsets[number] {
                out += Array(xrefEntry(offset, 0, "n").utf8)
            } else if let entry = reader.entries[number], entry.inUse {
                out += Array(xrefEntry(entry.offset, entry.generation, "n").utf8)
            } else {
                let generation = number == 0 ? 65535 : (reader.entries[number]?.generation ?? 0)
                out += Array(xrefEntry(0, generation, "f").utf8)
            }
        }
        let trailer = PDFObject.dictionary([
            "Size": .integer(next), "Root": .reference(rootNumber, 0), "Info": .reference(infoNumber, 0),
            "ID": .array([.string(id), .string(id)]),
        ])
        out += Array("trailer\n".utf8) + trailer.serialized + Array("\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
        return (cut, out)
    }

    /// One 20-byte xref entry: `oooooooooo ggggg n` + space + LF.
    private static func xrefEntry(_ offset: Int, _ generation: Int, _ kind: String) -> String {
        let offsetText = String(offset), generationText = String(generation)
        return String(repeating: "0", count: max(0, 10 - offsetText.count)) + offsetText + " "
            + String(repeating: "0", count: max(0, 5 - generationText.count)) + generationText + " \(kind) \n"
    }

    /// A stream object's body: dictionary (with /Length) and data.
    private static func stream(_ dictionary: [String: PDFObject], _ data: [UInt8]) -> [UInt8] {
        var dictionary = dictionary
        dictionary["Length"] = .integer(data.count)
        return PDFObject.dictionary(dictionary).serialized + Array("\nstream\n".utf8) + data + Array("\nendstream".utf8)
    }
}

/// The XMP packet of a finished PDF (ISO 16684-1, the PDF/A identification schema).
struct XMPPacket {
    var part: Int
    var conformance: String
    var title: String
    var author: String
    var subject: String?
    var keywords: String?
    var creatorTool: String
    var producer: String
    /// ISO 8601, used for creation, modification and metadata dates.
    var date: String

    var serialized: String {
        var properties = """
              <pdfaid:part>\(part)</pdfaid:part>
              <pdfaid:conformance>\(conformance)</pdfaid:conformance>
              <dc:format>application/pdf</dc:format>
              <dc:title><rdf:Alt><rdf:li xml:lang="x-default">\(Self.escape(title))</rdf:li></rdf:Alt></dc:title>
              <dc:creator><rdf:Seq><rdf:li>\(Self.escape(author))</rdf:li></rdf:Seq></dc:creator>

            """
        if let subject {
            properties += "      <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">\(Self.escape(subject))</rdf:li></rdf:Alt></dc:description>\n"
        }
        if let keywords { properties += "      <pdf:Keywords>\(Self.escape(keywords))</pdf:Keywords>\n" }
        properties += """
              <pdf:Producer>\(Self.escape(producer))</pdf:Producer>
              <xmp:CreatorTool>\(Self.escape(creatorTool))</xmp:CreatorTool>
              <xmp:CreateDate>\(date)</xmp:CreateDate>
              <xmp:ModifyDate>\(date)</xmp:ModifyDate>
              <xmp:MetadataDate>\(date)</xmp:MetadataDate>

            """
        return """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
              <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about=""
                    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
                    xmlns:dc="http://purl.org/dc/elements/1.1/"
                    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
                    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            \(properties)    </rdf:Description>
              </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
    }

    /// Text as XML character data (the five predefined entities; controls dropped).
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
