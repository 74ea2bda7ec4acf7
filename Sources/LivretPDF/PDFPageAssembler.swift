import Crypto
import Foundation

/// Builds one PDF/A-2b file out of the pages of PDFs already made (a class PDF out of its
/// pupils' livrets): each page is copied with what it uses (content streams, resources, fonts),
/// byte for byte where it can be, so the pages show exactly what the files they come from show,
/// without drawing them again.
///
/// What is copied: a page's dictionary (without /Parent, set to this file's page tree, and
/// without /StructParents: the copy is not tagged) and every object it reaches. Streams keep
/// their filtered bytes; their /Length is written directly. What is not copied: the source's
/// catalog (structure tree, embedded files, output intent, XMP): the file is finished as PDF/A-2b
/// by `PDFArchivalFinisher`, like any class PDF.
///
/// Fonts are not shared between sources: each livret's subsets come with its pages. Objects of
/// a source appended with `shared: true` (a blank page) are copied once, however many times its
/// pages are appended.
///
/// The bytes stream to a file handle (or memory) as pages are appended; the output depends only
/// on the sources and the order they were appended in.
public final class PDFPageAssembler {
    private let metadata: PDFMetadata
    private let handle: FileHandle?
    private var bytes: [UInt8] = []        // pending output (flushed to `handle` when large)
    private var memory = Data()            // everything, when there is no handle
    private var written = 0                // bytes before `bytes`
    private var digest = Insecure.MD5()
    private var offsets: [Int] = [0, 0]    // by object number; 0 and 1 (the page tree) set at the end
    private var pages: [Int] = []
    private var sharedCopies: [ObjectIdentifier: [Int: Int]] = [:]
    private var finished = false
    private static let pageTree = 1

    /// Pages appended so far.
    public var pageCount: Int { pages.count }

    /// - Parameters:
    ///   - metadata: the document information (and XMP) of the assembled file.
    ///   - output: a file handle to stream the bytes to (its current content is overwritten from
    ///     offset 0), or nil to keep them in memory (`finish()` returns them).
    public init(metadata: PDFMetadata, output: FileHandle? = nil) {
        self.metadata = metadata
        self.handle = output
        // PDF 1.7 header and a comment of four bytes above 127 (ISO 19005-2 6.1.2).
        bytes += Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    }

    /// A PDF whose pages can be appended (parsed once; keep it to append its pages again).
    public final class Source {
        let reader: PDFFileReader
        let pages: [Int]

        /// Reads the cross-reference table and the page tree of `pdf` (classic xref tables, as
        /// livret writes them; for a signed file, the newest revision).
        public init(_ pdf: [UInt8]) throws(PDFError) {
            do {
                reader = try PDFFileReader(pdf)
                guard let root = reader.trailer["Root"]?.referenceValue,
                      let pagesNumber = try reader.object(root).value["Pages"]?.referenceValue
                else { throw PDFSyntaxError(offset: 0, message: "no catalog or page tree") }
                var found: [Int] = []
                var stack = [pagesNumber]
                var seen: Set<Int> = []
                while let number = stack.popLast() {
                    guard seen.insert(number).inserted else { throw PDFSyntaxError(offset: 0, message: "the page tree loops") }
                    let node = try reader.object(number).value
                    if node["Type"]?.nameValue == "Pages" {
                        stack += (node["Kids"]?.arrayValue ?? []).compactMap(\.referenceValue).reversed()
                    } else {
                        found.append(number)
                    }
                }
                pages = found
            } catch let error as PDFSyntaxError {
                throw PDFError(function: "PDFPageAssembler", message: "cannot read the PDF to append: \(error)")
            } catch {
                throw PDFError(function: "PDFPageAssembler", message: "\(error)")
            }
        }

        /// Its number of pages.
        public var pageCount: Int { pages.count }
    }

    /// Appends every page of `pdf`, its objects copied for these pages only.
    public func append(_ pdf: [UInt8]) throws(PDFError) {
        try append(Source(pdf), shared: false)
    }

    /// Appends every page of `source`. `shared`: the objects the pages use are copied the first
    /// time only, later appends of the same source refer to them (only the page dictionaries are
    /// new).
    public func append(_ source: Source, shared: Bool) throws(PDFError) {
        precondition(!finished, "PDFPageAssembler used after finish()")
        var copies = shared ? sharedCopies[ObjectIdentifier(source)] ?? [:] : [:]
        do {
            var pending: [(old: Int, new: Int)] = []
            func copy(_ value: PDFObject) -> PDFObject {
                switch value {
                case .reference(let number, _):
                    if let new = copies[number] { return .reference(new, 0) }
                    let new = allocate()
                    copies[number] = new
                    pending.append((number, new))
                    return .reference(new, 0)
                case .array(let items): return .array(items.map(copy))
                case .dictionary(let entries):
                    // Keys in order: object numbers are given as references are met, and a
                    // dictionary's own order changes from process to process.
                    var copied: [String: PDFObject] = [:]
                    for key in entries.keys.sorted() { copied[key] = copy(entries[key]!) }
                    return .dictionary(copied)
                default: return value
                }
            }
            for page in source.pages {
                guard var dictionary = try source.reader.object(page).value.dictionaryValue else {
                    throw PDFSyntaxError(offset: 0, message: "page \(page) is not a dictionary")
                }
                dictionary["Parent"] = nil
                dictionary["StructParents"] = nil
                let number = allocate()
                copies[page] = number   // an object pointing back at its page points at the copy
                pages.append(number)
                var copied = copy(.dictionary(dictionary)).dictionaryValue!
                copied["Parent"] = .reference(Self.pageTree, 0)
                // The objects it reaches, before the page itself (as cairo orders them).
                while let (old, new) = pending.popLast() {
                    let object = try source.reader.object(old)
                    if let stream = object.stream {
                        guard var streamDictionary = object.value.dictionaryValue else {
                            throw PDFSyntaxError(offset: object.start, message: "object \(old): a stream without a dictionary")
                        }
                        streamDictionary["Length"] = .integer(stream.count)
                        let body = copy(.dictionary(streamDictionary))
                        emit(new, body.serialized + Array("\nstream\n".utf8) + stream + Array("\nendstream".utf8))
                    } else {
                        emit(new, copy(object.value).serialized)
                    }
                }
                emit(number, PDFObject.dictionary(copied).serialized)
            }
        } catch let error as PDFSyntaxError {
            throw PDFError(function: "PDFPageAssembler", message: "cannot copy the pages: \(error)")
        } catch let error as PDFError {
            throw error
        } catch {
            throw PDFError(function: "PDFPageAssembler", message: "\(error)")
        }
        if shared { sharedCopies[ObjectIdentifier(source)] = copies }
        try flush(force: false)
    }

    private func allocate() -> Int {
        offsets.append(0)
        return offsets.count - 1
    }

    private func emit(_ number: Int, _ body: [UInt8]) {
        offsets[number] = written + bytes.count
        bytes += Array("\(number) 0 obj\n".utf8)
        bytes += body
        bytes += Array("\nendobj\n".utf8)
    }

    private func flush(force: Bool) throws(PDFError) {
        guard force || bytes.count >= 1 << 18 else { return }
        digest.update(data: bytes)
        written += bytes.count
        if let handle {
            do { try handle.write(contentsOf: bytes) } catch { throw PDFError(function: "write", message: "\(error)") }
        } else {
            memory.append(contentsOf: bytes)
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the page tree, the catalog and the cross-reference table, and finishes the file as
    /// PDF/A-2b. Returns the bytes when kept in memory, else an empty `Data` (the file holds them).
    @discardableResult
    public func finish() throws(PDFError) -> Data {
        precondition(!finished, "PDFPageAssembler finished twice")
        finished = true
        emit(Self.pageTree, PDFObject.dictionary([
            "Type": .name("Pages"), "Count": .integer(pages.count), "Kids": .array(pages.map { .reference($0, 0) }),
        ]).serialized)
        try flush(force: true)
        // The end as cairo writes it (Info, catalog, xref, trailer), for the finisher to replace.
        let base = written
        let info = allocate()
        let catalog = allocate()
        emit(info, PDFObject.dictionary(["Producer": .text(metadata.creator)]).serialized)
        emit(catalog, PDFObject.dictionary(["Type": .name("Catalog"), "Pages": .reference(Self.pageTree, 0)]).serialized)
        let xref = written + bytes.count
        var table = "xref\n0 \(offsets.count)\n0000000000 65535 f \n"
        for number in 1..<offsets.count { table += String(format: "%010d 00000 n \n", offsets[number]) }
        bytes += Array(table.utf8)
        bytes += Array("trailer\n".utf8) + PDFObject.dictionary([
            "Size": .integer(offsets.count), "Root": .reference(catalog, 0), "Info": .reference(info, 0),
        ]).serialized + Array("\nstartxref\n\(xref)\n%%EOF\n".utf8)
        digest.update(data: bytes)
        let (cut, tail) = try PDFArchivalFinisher.finish(
            tail: bytes, base: base, cairoDigest: Array(digest.finalize()), archival: .pdfA2b, metadata: metadata)
        guard cut >= base else { throw PDFError(function: "PDFPageAssembler", message: "the finisher cut before the catalog") }
        let out = bytes[0..<(cut - base)] + tail
        if let handle {
            do { try handle.write(contentsOf: out) } catch { throw PDFError(function: "write", message: "\(error)") }
            return Data()
        }
        memory.append(contentsOf: out)
        return memory
    }
}
