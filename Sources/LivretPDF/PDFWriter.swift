import CCairo
import CFreeType
import Crypto
import Foundation
import LivretLayout

/// Document information written into the PDF.
public struct PDFMetadata: Hashable, Sendable {
    /// Title.
    public var title: String
    /// Author (the établissement).
    public var author: String
    /// Subject.
    public var subject: String?
    /// Keywords.
    public var keywords: String?
    /// Creator: the program and its version, given by the caller.
    public var creator: String
    /// ISO 8601 (`2016-06-20T00:00:00Z`): taken from the document, never the clock, so that the
    /// same input gives the same bytes.
    public var creationDate: String

    /// - Parameters: see the properties.
    public init(title: String, author: String, subject: String? = nil, keywords: String? = nil, creator: String, creationDate: String) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creator = creator
        self.creationDate = creationDate
    }
}

/// A failed call into cairo or FreeType.
public struct PDFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C function that failed.
    public var function: String
    /// What it said.
    public var message: String
    /// `function: message`.
    public var description: String { "\(function): \(message)" }

    static func cairo(_ status: cairo_status_t, _ function: String) -> PDFError {
        PDFError(function: function, message: String(cString: cairo_status_to_string(status)))
    }
}

/// Writes pages into one PDF through a cairo PDF surface. Fonts are embedded as subsets,
/// once per file however many pages use them. One writer per output file and per thread:
/// it owns its cairo surface and its own FreeType faces (never shared between threads).
public final class PDFWriter {
    private let surface: OpaquePointer     // cairo_surface_t *
    private let context: OpaquePointer     // cairo_t *
    private let sink: Unmanaged<ByteSink>
    private let fonts: PDFFonts
    private let metadata: PDFMetadata
    private let archival: PDFArchival
    /// Whether pages are tagged (structure elements, artifacts): pupil livrets.
    private let tagged: Bool
    private var openTags: [String] = []
    private var artifactDepth = 0
    /// The structure elements in the order cairo creates them, for the finisher.
    private var structure: [PDFStructureAttributes] = []
    private var finished = false
    /// Pages added so far.
    public private(set) var pageCount = 0

    /// - Parameters:
    ///   - fonts: the faces to draw with, by style (the files the layout shaped with).
    ///   - output: a file handle to stream the bytes to, or nil to keep them in memory.
    ///   - archival: how `finish()` completes cairo's file (see `PDFArchivalFinisher`): PDF/A-2b
    ///     unless told otherwise; a pupil's livret passes `.livret(source:)` (PDF/A-3b, source embedded).
    public convenience init(
        fontFiles: [FontStyle: URL], metadata: PDFMetadata, archival: PDFArchival = .pdfA2b, output: FileHandle? = nil
    ) throws(PDFError) {
        try self.init(fonts: PDFFonts(files: fontFiles), metadata: metadata, archival: archival, output: output)
    }

    /// - Parameter fonts: faces shared by the writers of one thread (glyph metrics are then
    ///   loaded once per task rather than once per file).
    /// - Parameter output: a seekable file handle (the finisher rewrites the end of the file), or nil.
    public init(fonts: PDFFonts, metadata: PDFMetadata, archival: PDFArchival = .pdfA2b, output: FileHandle? = nil) throws(PDFError) {
        let sink = Unmanaged.passRetained(ByteSink(handle: output))
        guard let surface = cairo_pdf_surface_create_for_stream(writeToSink, sink.toOpaque(), 595.28, 841.89) else {
            sink.release()
            throw PDFError(function: "cairo_pdf_surface_create_for_stream", message: "out of memory")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            sink.release()
            throw .cairo(status, "cairo_pdf_surface_create_for_stream")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, metadata.author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, metadata.creator)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.creationDate)
        if let subject = metadata.subject { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject) }
        if let keywords = metadata.keywords { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords) }
        self.surface = surface
        guard let context = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            sink.release()
            throw PDFError(function: "cairo_create", message: "out of memory")
        }
        let contextStatus = cairo_status(context)
        guard contextStatus == CAIRO_STATUS_SUCCESS else {
            cairo_destroy(context)
            cairo_surface_destroy(surface)
            sink.release()
            throw .cairo(contextStatus, "cairo_create")
        }
        self.context = context
        // Unhinted metrics: cairo's glyph advances then equal HarfBuzz's, so text is written as
        // plain strings with a position adjustment only where kerning moved a glyph (smaller,
        // faster PDFs), instead of an adjustment for every glyph.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
        self.sink = sink
        self.fonts = fonts
        self.metadata = metadata
        self.archival = archival
        self.tagged = archival.tagged
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
        sink.release()
    }

    /// Draws one page. Fills go first, then rules, then text; items of the same kind and
    /// appearance are drawn with one cairo call (one path, one glyph run), which keeps both the
    /// PDF and the time spent in cairo small.
    public func add(_ page: Page) throws(PDFError) {
        precondition(!finished, "PDFWriter used after finish()")
        let faces = try fonts.facesFor(page.fontFiles)
        cairo_pdf_surface_set_size(surface, page.width, page.height)
        var fills: [Color: [(Double, Double, Double, Double)]] = [:]
        var fillOrder: [Color] = []
        var rules: [RuleKey: [(Double, Double, Double, Double)]] = [:]
        var ruleOrder: [RuleKey] = []
        var texts: [TextKey: [TextRun]] = [:]
        var textOrder: [TextKey] = []
        for item in page.items {
            switch item {
            case .fill(let x, let y, let width, let height, let color):
                if fills[color] == nil { fillOrder.append(color) }
                fills[color, default: []].append((x, y, width, height))
            case .rule(let x1, let y1, let x2, let y2, let width, let color):
                let key = RuleKey(width: width, color: color)
                if rules[key] == nil { ruleOrder.append(key) }
                rules[key, default: []].append((x1, y1, x2, y2))
            case .text(let run):
                guard !run.glyphs.isEmpty, !tagged else { continue }
                let key = TextKey(style: run.style, size: run.size, color: run.color)
                if texts[key] == nil { textOrder.append(key) }
                texts[key, default: []].append(run)
            case .structure:
                continue
            }
        }
        for color in fillOrder {
            cairo_set_source_rgb(context, color.red, color.green, color.blue)
            for (x, y, width, height) in fills[color]! { cairo_rectangle(context, x, y, width, height) }
            cairo_fill(context)
        }
        cairo_set_line_cap(context, CAIRO_LINE_CAP_SQUARE)
        for key in ruleOrder {
            cairo_set_source_rgb(context, key.color.red, key.color.green, key.color.blue)
            cairo_set_line_width(context, key.width)
            for (x1, y1, x2, y2) in Self.merged(rules[key]!) {
                cairo_move_to(context, x1, y1)
                cairo_line_to(context, x2, y2)
            }
            cairo_stroke(context)
        }
        if tagged {
            drawTagged(page.items, faces: faces)
        } else {
            for key in textOrder { draw(texts[key]!, key, faces: faces) }
        }
        cairo_show_page(context)
        pageCount += 1
        let status = cairo_status(context)
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(status, "cairo_show_page") }
    }

    /// Tagged: the text in reading order, each semantic element a cairo tag (structure element),
    /// consecutive runs of one appearance in one element drawn by one call. Fills, rules and
    /// the text of artifacts are drawn outside any element: the finisher marks them /Artifact.
    private func drawTagged(_ items: [PageItem], faces: [OpaquePointer]) {
        var pending: [TextRun] = []
        var pendingKey: TextKey?
        func flush() {
            if let key = pendingKey, !pending.isEmpty { draw(pending, key, faces: faces) }
            pending = []
            pendingKey = nil
        }
        for item in items {
            switch item {
            case .structure(.begin(let role)):
                flush()
                if artifactDepth > 0 || role == .artifact {
                    artifactDepth += 1
                    continue
                }
                let (name, attributes) = Self.tag(role)
                cairo_tag_begin(context, name, nil)
                openTags.append(name)
                structure.append(attributes)
            case .structure(.end):
                flush()
                if artifactDepth > 0 {
                    artifactDepth -= 1
                } else if let name = openTags.popLast() {
                    cairo_tag_end(context, name)
                }
            case .text(let run):
                guard !run.glyphs.isEmpty else { continue }
                let key = TextKey(style: run.style, size: run.size, color: run.color)
                if key != pendingKey { flush() }
                pendingKey = key
                pending.append(run)
            case .fill, .rule:
                continue
            }
        }
        flush()
    }

    /// The PDF structure type of a role, and what the finisher adds to its element.
    private static func tag(_ role: SemanticRole) -> (String, PDFStructureAttributes) {
        switch role {
        case .document: ("Document", PDFStructureAttributes(type: "Document"))
        case .heading(let level): ("H\(min(max(level, 1), 6))", PDFStructureAttributes(type: "H\(min(max(level, 1), 6))"))
        case .paragraph: ("P", PDFStructureAttributes(type: "P"))
        case .table: ("Table", PDFStructureAttributes(type: "Table"))
        case .row: ("TR", PDFStructureAttributes(type: "TR"))
        case .headerCell(let id, let scope, let columns, let rows):
            ("TH", PDFStructureAttributes(type: "TH", id: id, scope: scope.rawValue, columnSpan: columns, rowSpan: rows))
        case .dataCell(let headers): ("TD", PDFStructureAttributes(type: "TD", headers: headers))
        case .artifact: ("Artifact", PDFStructureAttributes(type: "Artifact"))   // never a cairo tag
        }
    }

    /// The segments of one stroke (one width and colour, square caps), with the horizontal and
    /// the vertical ones that overlap or touch on one line joined into one: table grids draw each
    /// cell's borders, so most borders come twice and a row's border in as many pieces as it has
    /// cells. Stroked in one path, the joined segments cover exactly what the pieces covered (a
    /// square cap reaches as far past an end as the next piece's line does), with a third of the
    /// operators. Oblique segments are kept as they are. The order is fixed (sorted), so the
    /// bytes depend only on the page.
    static func merged(_ segments: [(Double, Double, Double, Double)]) -> [(Double, Double, Double, Double)] {
        var horizontal: [(line: Double, start: Double, end: Double)] = []
        var vertical: [(line: Double, start: Double, end: Double)] = []
        var oblique: [(Double, Double, Double, Double)] = []
        for (x1, y1, x2, y2) in segments {
            if y1 == y2 {
                horizontal.append((y1, min(x1, x2), max(x1, x2)))
            } else if x1 == x2 {
                vertical.append((x1, min(y1, y2), max(y1, y2)))
            } else {
                oblique.append((x1, y1, x2, y2))
            }
        }
        func join(_ pieces: [(line: Double, start: Double, end: Double)]) -> [(line: Double, start: Double, end: Double)] {
            let sorted = pieces.sorted { ($0.line, $0.start, $0.end) < ($1.line, $1.start, $1.end) }
            var out: [(line: Double, start: Double, end: Double)] = []
            out.reserveCapacity(sorted.count)
            for piece in sorted {
                if let last = out.last, last.line == piece.line, piece.start <= last.end {
                    out[out.count - 1].end = max(last.end, piece.end)
                } else {
                    out.append(piece)
                }
            }
            return out
        }
        return join(horizontal).map { ($0.start, $0.line, $0.end, $0.line) }
            + join(vertical).map { ($0.line, $0.start, $0.line, $0.end) }
            + oblique
    }

    private struct RuleKey: Hashable {
        var width: Double
        var color: Color
    }

    private struct TextKey: Hashable {
        var style: FontStyle
        var size: Double
        var color: Color
    }

    /// Runs of one font, size and colour as one `cairo_show_text_glyphs` call. The clusters map
    /// every glyph back to its characters, so that copy and pdftotext give the text.
    private func draw(_ runs: [TextRun], _ key: TextKey, faces: [OpaquePointer]) {
        cairo_set_font_face(context, faces[key.style.rawValue])
        cairo_set_font_size(context, key.size)
        cairo_set_source_rgb(context, key.color.red, key.color.green, key.color.blue)
        var glyphs: [cairo_glyph_t] = []
        var clusters: [cairo_text_cluster_t] = []
        var utf8: [UInt8] = []
        var plain: [cairo_glyph_t] = []   // runs whose clusters cannot be mapped (never expected)
        for run in runs {
            let runBytes = Array(run.text.utf8)
            guard let runClusters = Self.clusters(run, byteCount: runBytes.count) else {
                plain += run.glyphs.map { cairo_glyph_t(index: UInt($0.id), x: run.x + $0.x, y: run.baseline + $0.y) }
                continue
            }
            glyphs += run.glyphs.map { cairo_glyph_t(index: UInt($0.id), x: run.x + $0.x, y: run.baseline + $0.y) }
            clusters += runClusters
            utf8 += runBytes
        }
        if !glyphs.isEmpty {
            utf8.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    cairo_show_text_glyphs(
                        context, chars.baseAddress, Int32(chars.count), glyphs, Int32(glyphs.count),
                        clusters, Int32(clusters.count), cairo_text_cluster_flags_t(rawValue: 0))
                }
            }
        }
        if !plain.isEmpty { cairo_show_glyphs(context, plain, Int32(plain.count)) }
    }

    /// The clusters of one run (glyph clusters are UTF-8 offsets, non-decreasing), or nil.
    private static func clusters(_ run: TextRun, byteCount: Int) -> [cairo_text_cluster_t]? {
        guard run.glyphs.first?.cluster == 0 else { return nil }
        var clusters: [cairo_text_cluster_t] = []
        var starts: [Int] = []
        for glyph in run.glyphs {
            if let last = starts.last, glyph.cluster == last {
                clusters[clusters.count - 1].num_glyphs += 1
            } else {
                if let last = starts.last, glyph.cluster < last { return nil }
                clusters.append(cairo_text_cluster_t(num_bytes: 0, num_glyphs: 1))
                starts.append(glyph.cluster)
            }
        }
        for index in clusters.indices {
            let end = index + 1 < starts.count ? starts[index + 1] : byteCount
            guard end > starts[index] else { return nil }
            clusters[index].num_bytes = Int32(end - starts[index])
        }
        return clusters
    }

    /// Ends the document and finishes it as `archival` says. Returns its bytes when the writer
    /// keeps them in memory, else an empty array (the file then holds the finished PDF).
    @discardableResult
    public func finish() throws(PDFError) -> Data {
        precondition(!finished, "PDFWriter finished twice")
        finished = true
        let sinkValue = sink.takeUnretainedValue()
        sinkValue.startTail()   // what cairo writes from now on: fonts, page tree, Info, catalog, xref
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(status, "cairo_surface_finish") }
        sinkValue.flush()
        if let error = sinkValue.error { throw PDFError(function: "write", message: error) }
        if case .none = archival { return sinkValue.handle == nil ? Data(sinkValue.bytes) : Data() }
        let (cut, tail) = try PDFArchivalFinisher.finish(
            tail: sinkValue.bytes, base: sinkValue.tailBase, cairoDigest: Array(sinkValue.digest.finalize()),
            archival: archival, metadata: metadata, structure: tagged ? structure : nil)
        if let handle = sinkValue.handle {
            do {
                try handle.truncate(atOffset: UInt64(cut))
                try handle.seek(toOffset: UInt64(cut))
                try handle.write(contentsOf: tail)
            } catch {
                throw PDFError(function: "write", message: "\(error)")
            }
            return Data()
        }
        var out = Data(capacity: cut - sinkValue.tailBase + tail.count)
        out.append(contentsOf: sinkValue.bytes[..<(cut - sinkValue.tailBase)])
        out.append(contentsOf: tail)
        return out
    }

    /// Pages to finished PDF bytes (PDF/A-2b unless `archival` says otherwise), with faces
    /// opened for this file only.
    public static func render(
        _ pages: [Page], fontFiles: [FontStyle: URL], metadata: PDFMetadata, archival: PDFArchival = .pdfA2b
    ) throws(PDFError) -> Data {
        try render(pages, fonts: PDFFonts(files: fontFiles), metadata: metadata, archival: archival)
    }

    /// Pages to finished PDF bytes (PDF/A-2b unless `archival` says otherwise), with faces the
    /// caller keeps from file to file.
    public static func render(_ pages: [Page], fonts: PDFFonts, metadata: PDFMetadata, archival: PDFArchival = .pdfA2b) throws(PDFError) -> Data {
        let writer = try PDFWriter(fonts: fonts, metadata: metadata, archival: archival)
        for page in pages { try writer.add(page) }
        return try writer.finish()
    }
}

/// The faces PDFs are drawn with, as cairo font faces over FreeType: the four of `files`, and
/// those of any other set a page names (`Page.fontFiles`), each opened once. One per thread: the
/// writers of one task share them, and cairo keeps the glyph metrics it loaded between files.
/// Not `Sendable` (an FT_Face must never be used by two threads at once).
public final class PDFFonts {
    let faces: [OpaquePointer]   // cairo_font_face_t *, by FontStyle.rawValue
    /// The files of `faces`.
    public let files: [FontStyle: URL]
    private var others: [[FontStyle: URL]: [OpaquePointer]] = [:]

    /// The faces of a page shaped with `files` (nil: this set's own).
    func facesFor(_ pageFiles: [FontStyle: URL]?) throws(PDFError) -> [OpaquePointer] {
        guard let pageFiles, pageFiles != files else { return faces }
        if let opened = others[pageFiles] { return opened }
        let opened = try Self.open(pageFiles)
        others[pageFiles] = opened
        return opened
    }

    /// Opens the faces of the four styles of `files`.
    /// - Parameter files: a font file per style (all four).
    public init(files: [FontStyle: URL]) throws(PDFError) {
        self.faces = try Self.open(files)
        self.files = files
    }

    private static func open(_ files: [FontStyle: URL]) throws(PDFError) -> [OpaquePointer] {
        var faces: [OpaquePointer] = []
        for style in FontStyle.allCases {
            guard let file = files[style] else {
                faces.forEach { cairo_font_face_destroy($0) }
                throw PDFError(function: "PDFFonts", message: "no font file for style \(style)")
            }
            do {
                faces.append(try Self.face(file))
            } catch {
                faces.forEach { cairo_font_face_destroy($0) }
                throw error
            }
        }
        return faces
    }

    deinit {
        faces.forEach { cairo_font_face_destroy($0) }
        others.values.forEach { $0.forEach { cairo_font_face_destroy($0) } }
    }

    /// Opens a font with its own FreeType library and hands both to cairo, which frees them
    /// when it drops its last reference to the face (cairo may cache faces beyond our lifetime).
    static func face(_ file: URL) throws(PDFError) -> OpaquePointer {
        var library: FT_Library?
        let initError = FT_Init_FreeType(&library)
        guard initError == 0, let library else { throw PDFError(function: "FT_Init_FreeType", message: "FT_Error \(initError)") }
        var face: FT_Face?
        let faceError = FT_New_Face(library, file.path, 0, &face)
        guard faceError == 0, let face else {
            FT_Done_FreeType(library)
            throw PDFError(function: "FT_New_Face(\(file.path))", message: "FT_Error \(faceError)")
        }
        guard let cairoFace = cairo_ft_font_face_create_for_ft_face(face, 0) else {
            FT_Done_Face(face)
            FT_Done_FreeType(library)
            throw PDFError(function: "cairo_ft_font_face_create_for_ft_face(\(file.path))", message: "out of memory")
        }
        let faceStatus = cairo_font_face_status(cairoFace)
        guard faceStatus == CAIRO_STATUS_SUCCESS else {
            cairo_font_face_destroy(cairoFace)
            FT_Done_Face(face)
            FT_Done_FreeType(library)
            throw .cairo(faceStatus, "cairo_ft_font_face_create_for_ft_face(\(file.path))")
        }
        let owner = UnsafeMutablePointer<FreeTypeOwner>.allocate(capacity: 1)
        owner.initialize(to: FreeTypeOwner(library: library, face: face))
        let status = cairo_font_face_set_user_data(cairoFace, freeTypeOwnerKey, owner, releaseFreeTypeOwner)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_font_face_destroy(cairoFace)
            releaseFreeTypeOwner(owner)
            throw .cairo(status, "cairo_font_face_set_user_data")
        }
        return cairoFace
    }

}

/// Where cairo's bytes go: a file handle or memory. It keeps the MD5 of everything written
/// (the finisher's /ID) and, from `startTail()`, a copy of the end of the file for the finisher.
/// cairo writes in many small pieces (a number, an operator): they are gathered in `pending`
/// and hashed and written in large blocks.
private final class ByteSink {
    let handle: FileHandle?
    /// In memory: every byte. To a handle: the bytes written since `startTail()`.
    var bytes: [UInt8] = []
    /// The offset in the file of `bytes`' first byte.
    var tailBase = 0
    /// Bytes before `pending`.
    var written = 0
    /// Bytes not yet hashed nor written to the handle.
    var pending: [UInt8] = []
    var digest = Insecure.MD5()
    var capturing: Bool
    var error: String?

    init(handle: FileHandle?) {
        self.handle = handle
        self.capturing = handle == nil
        pending.reserveCapacity(Self.block)
    }

    static let block = 1 << 16

    func startTail() {
        guard handle != nil else { return }
        flush()
        capturing = true
        tailBase = written
    }

    func append(_ buffer: UnsafeRawBufferPointer) -> Bool {
        pending.append(contentsOf: buffer)
        if pending.count >= Self.block { flush() }
        return error == nil
    }

    /// Hashes `pending`, writes it to the handle, keeps it when capturing.
    func flush() {
        guard !pending.isEmpty else { return }
        digest.update(data: pending)
        written += pending.count
        if let handle, error == nil {
            do { try handle.write(contentsOf: pending) } catch { self.error = "\(error)" }
        }
        if capturing { bytes += pending }
        pending.removeAll(keepingCapacity: true)
    }
}

private func writeToSink(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    return sink.append(UnsafeRawBufferPointer(start: data, count: Int(length))) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR
}

private struct FreeTypeOwner {
    var library: FT_Library
    var face: FT_Face
}

private func releaseFreeTypeOwner(_ pointer: UnsafeMutableRawPointer?) {
    guard let owner = pointer?.assumingMemoryBound(to: FreeTypeOwner.self) else { return }
    FT_Done_Face(owner.pointee.face)
    FT_Done_FreeType(owner.pointee.library)
    owner.deinitialize(count: 1)
    owner.deallocate()
}

/// cairo compares user-data keys by address only; the key is never written.
nonisolated(unsafe) private let freeTypeOwnerKey = UnsafeMutablePointer<cairo_user_data_key_t>.allocate(capacity: 1)
