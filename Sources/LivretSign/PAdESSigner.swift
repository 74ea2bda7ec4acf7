import Crypto
import Foundation

/// Signs a PDF with a PAdES baseline B-B signature, added as an incremental update: the bytes
/// of the input are left exactly as they are and followed by a signature dictionary (/Filter
/// /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /M, /ByteRange, /Contents reserved for
/// ``reservedSignatureBytes`` bytes), an invisible signature field on the first page, the catalog
/// with /AcroForm (every other key kept), a classic xref section and a trailer with /Prev.
public struct PAdESSigner: Sendable {
    /// Bytes reserved for the CMS signature in /Contents (written as twice as many hex digits).
    public static let reservedSignatureBytes = 8192

    /// The signer (software key or, later, a hardware token).
    public let signer: any Signer

    /// A PDF signer for `signer`.
    public init(signer: any Signer) { self.signer = signer }

    /// The signed PDF: `pdf` followed by the update. `date` is the claimed signing time (/M);
    /// `name` names the input in errors.
    public func sign(pdf: [UInt8], date: Date, name: String = "PDF") throws(SignError) -> [UInt8] {
        let file = try PDFFile(pdf, name: name)
        var update = Update(base: pdf, nextNumber: file.trailer["Size"]?.integer ?? 0)
        guard update.nextNumber > 0 else { throw SignError(.pdf, file: name, "the trailer has no /Size") }
        let signatureNumber = update.allocate()
        let fieldNumber = update.allocate()
        do {
            guard let rootReference = file.trailer["Root"]?.reference,
                  case let (rootGeneration, .dictionary(catalog)) = try file.object(rootReference.number) else {
                throw PDFSyntaxError(offset: 0, message: "the catalog is not a dictionary")
            }
            let page = try file.firstPage(catalog: catalog)

            // 1. The signature dictionary, with placeholders for /ByteRange and /Contents.
            update.beginObject(signatureNumber)
            update.append("<<\n/Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n/M \(Self.pdfDate(date))\n/ByteRange [")
            let byteRangeAt = update.bytes.count
            update.append(String(repeating: " ", count: Self.byteRangeWidth) + "]\n/Contents ")
            let contentsAt = update.bytes.count
            update.append("<" + String(repeating: "0", count: 2 * Self.reservedSignatureBytes) + ">")
            let contentsEnd = update.bytes.count
            update.append("\n>>")
            update.endObject()

            // 2. The field and its invisible widget (print + locked; zero-size rectangle, as PDF/A allows without /AP).
            update.beginObject(fieldNumber)
            update.append("<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Signature\(signatureNumber))\n/V \(signatureNumber) 0 R\n/F 132\n/Rect [0 0 0 0]\n/P \(page.number) \(page.generation) R\n>>")
            update.endObject()

            // 3. The page with the widget in /Annots.
            var annotations: [String] = []
            if let existing = try file.resolve(page.dictionary["Annots"]) {
                guard let array = existing.array else { throw PDFSyntaxError(offset: 0, message: "the page's /Annots is not an array") }
                annotations = try array.map { item throws -> String in
                    guard let reference = item.reference else { throw PDFSyntaxError(offset: 0, message: "an annotation of the page is not a reference") }
                    return "\(reference.number) \(reference.generation) R"
                }
            }
            annotations.append("\(fieldNumber) 0 R")
            update.beginObject(page.number, generation: page.generation)
            update.append(page.dictionary.serialized(removing: ["Annots"], adding: [("Annots", "[" + annotations.joined(separator: " ") + "]")]))
            update.endObject()

            // 4. The interactive form: a new /AcroForm, or the existing one with the field added.
            var catalogAdditions: [(String, String)] = []
            let field = "\(fieldNumber) 0 R"
            switch catalog["AcroForm"] {
            case nil:
                let formNumber = update.allocate()
                update.beginObject(formNumber)
                update.append("<<\n/Fields [\(field)]\n/SigFlags 3\n>>")
                update.endObject()
                catalogAdditions.append(("AcroForm", "\(formNumber) 0 R"))
            case .reference(let number, _)?:
                guard case let (generation, .dictionary(form)) = try file.object(number) else {
                    throw PDFSyntaxError(offset: 0, message: "the catalog's /AcroForm is not a dictionary")
                }
                update.beginObject(number, generation: generation)
                update.append(try Self.form(form, adding: field, file: file))
                update.endObject()
            case .dictionary(let form)?:
                catalogAdditions.append(("AcroForm", String(decoding: try Self.form(form, adding: field, file: file), as: UTF8.self)))
            default:
                throw PDFSyntaxError(offset: 0, message: "the catalog's /AcroForm is not a dictionary")
            }

            // 5. The catalog, every key kept, with /AcroForm.
            if !catalogAdditions.isEmpty {
                update.beginObject(rootReference.number, generation: rootGeneration)
                update.append(catalog.serialized(removing: ["AcroForm"], adding: catalogAdditions))
                update.endObject()
            }

            // 6. Cross-reference section and trailer.
            var trailerEntries: [(String, String)] = [("Size", "\(update.nextNumber)")]
            for key in ["Root", "Info", "ID"] {
                if let entry = file.trailer.entries.first(where: { $0.key == key }) {
                    trailerEntries.append((key, String(decoding: entry.raw, as: UTF8.self)))
                }
            }
            trailerEntries.append(("Prev", "\(file.startXref)"))
            update.finish(trailer: trailerEntries)

            // 7. Byte range, digest, CMS signature.
            let prefix = update.prefix
            let absoluteContents = prefix + contentsAt
            let absoluteAfter = prefix + contentsEnd
            let total = prefix + update.bytes.count
            let byteRange = "0 \(absoluteContents) \(absoluteAfter) \(total - absoluteAfter)"
            guard byteRange.utf8.count <= Self.byteRangeWidth else { throw SignError(.signing, file: name, "the file is too large to sign") }
            update.bytes.replaceSubrange(byteRangeAt..<(byteRangeAt + byteRange.utf8.count), with: Array(byteRange.utf8))

            var hasher = SHA256()
            hasher.update(data: pdf)
            if prefix > pdf.count { hasher.update(data: [10]) }
            hasher.update(data: update.bytes[0..<contentsAt])
            hasher.update(data: update.bytes[contentsEnd...])
            let cms = try CMSSignedData.signature(digest: Array(hasher.finalize()), signer: signer)
            guard cms.count <= Self.reservedSignatureBytes else {
                throw SignError(.signing, file: name, "the signature (\(cms.count) bytes) does not fit in the \(Self.reservedSignatureBytes) bytes reserved")
            }
            let digits = Array("0123456789ABCDEF".utf8)
            var hex = [UInt8]()
            hex.reserveCapacity(2 * cms.count)
            for byte in cms { hex.append(digits[Int(byte >> 4)]); hex.append(digits[Int(byte & 0x0F)]) }
            update.bytes.replaceSubrange((contentsAt + 1)..<(contentsAt + 1 + hex.count), with: hex)
            return pdf + (prefix > pdf.count ? [10] : []) + update.bytes
        } catch let error as SignError {
            throw error
        } catch {
            throw SignError(.pdf, file: name, "cannot sign: \(error)")
        }
    }

    /// Room for `0 a b c` in /ByteRange (four numbers of up to 10 digits).
    static let byteRangeWidth = 36

    /// The /AcroForm dictionary with `field` added to /Fields and /SigFlags 3.
    static func form(_ form: PDFDictionary, adding field: String, file: PDFFile) throws -> [UInt8] {
        var fields: [String] = []
        if let existing = try file.resolve(form["Fields"]) {
            guard let array = existing.array else { throw PDFSyntaxError(offset: 0, message: "/AcroForm /Fields is not an array") }
            fields = try array.map { item throws -> String in
                guard let reference = item.reference else { throw PDFSyntaxError(offset: 0, message: "a form field is not a reference") }
                return "\(reference.number) \(reference.generation) R"
            }
        }
        fields.append(field)
        return form.serialized(removing: ["Fields", "SigFlags"], adding: [("Fields", "[" + fields.joined(separator: " ") + "]"), ("SigFlags", "3")])
    }

    /// `(D:20160702143000+00'00')`, in UTC.
    public static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "(D:%04d%02d%02d%02d%02d%02d+00'00')", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }

    /// The bytes appended to the file, with the offsets of the objects they hold.
    struct Update {
        /// Where the update starts in the signed file (after a newline added when the input lacks one).
        let prefix: Int
        var bytes: [UInt8] = []
        var nextNumber: Int
        var objects: [(number: Int, generation: Int, offset: Int)] = []

        init(base: [UInt8], nextNumber: Int) {
            let endsWithNewline = base.last == 10 || base.last == 13
            prefix = base.count + (endsWithNewline ? 0 : 1)
            self.nextNumber = nextNumber
        }

        mutating func allocate() -> Int {
            defer { nextNumber += 1 }
            return nextNumber
        }

        mutating func append(_ text: String) { bytes += Array(text.utf8) }
        mutating func append(_ data: [UInt8]) { bytes += data }

        mutating func beginObject(_ number: Int, generation: Int = 0) {
            objects.append((number, generation, prefix + bytes.count))
            append("\(number) \(generation) obj\n")
        }

        mutating func endObject() { append("\nendobj\n") }

        /// The xref section (subsections of consecutive numbers, 20-byte entries) and the trailer.
        mutating func finish(trailer: [(String, String)]) {
            let xrefAt = prefix + bytes.count
            append("xref\n")
            let sorted = objects.sorted { $0.number < $1.number }
            var index = 0
            while index < sorted.count {
                var end = index + 1
                while end < sorted.count, sorted[end].number == sorted[end - 1].number + 1 { end += 1 }
                append("\(sorted[index].number) \(end - index)\n")
                for entry in sorted[index..<end] { append(String(format: "%010d %05d n\r\n", entry.offset, entry.generation)) }
                index = end
            }
            append("trailer\n<<")
            for (key, value) in trailer { append("\n/\(key) \(value)") }
            append("\n>>\nstartxref\n\(xrefAt)\n%%EOF\n")
        }
    }
}
