import CHarfBuzz
import Foundation

/// The four faces every livret is set in, opened with HarfBuzz's own OpenType functions
/// (no FreeType, no system font look-up). Shaping happens here, in font units.
///
/// `@unchecked Sendable`: after `init` the HarfBuzz fonts are made immutable
/// (`hb_font_make_immutable`), and HarfBuzz documents immutable fonts and faces as safe to
/// use from several threads at once; each `shape` call uses its own `hb_buffer_t`.
public final class FontSet: @unchecked Sendable {
    /// The fonts folder.
    public let directory: URL
    /// The font file of each style, inside `directory`.
    public let files: [FontStyle: URL]
    private let fonts: [OpaquePointer]   // hb_font_t *, indexed by FontStyle.rawValue
    private let unitsPerEm: [Double]

    /// The default font files (Liberation Sans).
    public static let fileNames: [FontStyle: String] = [
        .regular: "LiberationSans-Regular.ttf", .bold: "LiberationSans-Bold.ttf",
        .italic: "LiberationSans-Italic.ttf", .boldItalic: "LiberationSans-BoldItalic.ttf",
    ]

    /// Opens the four faces. Each file name must be a plain name of a regular file inside
    /// `directory` (`PlainName`): no path, no link leading out of the folder.
    public init(directory: URL, fileNames: [FontStyle: String] = FontSet.fileNames) throws(LayoutError) {
        var fonts: [OpaquePointer] = []
        var units: [Double] = []
        var files: [FontStyle: URL] = [:]
        for style in FontStyle.allCases {
            let name = fileNames[style] ?? FontSet.fileNames[style]!
            let url: URL
            switch PlainName.file(name, in: directory) {
            case .success(let found): url = found
            case .failure(.missing):
                fonts.forEach { hb_font_destroy($0) }
                throw .resource("cannot read the font \(directory.appendingPathComponent(name).path)")
            case .failure(let refusal):
                fonts.forEach { hb_font_destroy($0) }
                throw .resource("font '\(name)' refused: \(refusal.description) (a layout's fonts are names of files of \(directory.path))")
            }
            guard let blob = hb_blob_create_from_file_or_fail(url.path) else {
                fonts.forEach { hb_font_destroy($0) }
                throw .resource("cannot read the font \(url.path)")
            }
            let face = hb_face_create(blob, 0)
            hb_blob_destroy(blob)
            guard let face, hb_face_get_glyph_count(face) > 0 else {
                hb_face_destroy(face)
                fonts.forEach { hb_font_destroy($0) }
                throw .resource("\(url.path) is not a font HarfBuzz can read")
            }
            let upem = hb_face_get_upem(face)
            let created = hb_font_create(face)
            hb_face_destroy(face)
            // HarfBuzz returns its inert empty font rather than NULL when out of memory.
            guard let font = created, hb_font_get_face(font) != hb_face_get_empty() else {
                hb_font_destroy(created)
                fonts.forEach { hb_font_destroy($0) }
                throw .resource("\(url.path): HarfBuzz could not create a font (out of memory)")
            }
            hb_ot_font_set_funcs(font)
            hb_font_set_scale(font, Int32(upem), Int32(upem))
            hb_font_make_immutable(font)
            fonts.append(font)
            units.append(Double(upem))
            files[style] = url
        }
        self.directory = directory
        self.fonts = fonts
        self.unitsPerEm = units
        self.files = files
    }

    deinit {
        fonts.forEach { hb_font_destroy($0) }
    }

    /// Whether the face has a glyph for every scalar of `text`.
    public func covers(_ text: String, style: FontStyle) -> Bool {
        let font = fonts[style.rawValue]
        var glyph: hb_codepoint_t = 0
        return text.unicodeScalars.allSatisfy { hb_font_get_nominal_glyph(font, $0.value, &glyph) != 0 }
    }

    /// Shapes `text` (kerning on, as HarfBuzz does by default) and returns glyphs with
    /// positions in ems (multiply by the point size), clusters as UTF-8 offsets into `text`.
    public func shape(_ text: String, style: FontStyle) -> (glyphs: [PositionedGlyph], advance: Double) {
        let font = fonts[style.rawValue]
        let scale = 1 / unitsPerEm[style.rawValue]
        let buffer = hb_buffer_create()
        defer { hb_buffer_destroy(buffer) }
        var text = text
        text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                hb_buffer_add_utf8(buffer, chars.baseAddress, Int32(chars.count), 0, Int32(chars.count))
            }
        }
        hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
        hb_buffer_set_script(buffer, HB_SCRIPT_LATIN)
        hb_buffer_set_language(buffer, hb_language_from_string("fr", -1))
        hb_shape(font, buffer, nil, 0)
        var count: UInt32 = 0
        guard let infos = hb_buffer_get_glyph_infos(buffer, &count),
              let positions = hb_buffer_get_glyph_positions(buffer, &count)
        else { return ([], 0) }
        var pen = 0.0
        var glyphs: [PositionedGlyph] = []
        glyphs.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let advance = Double(positions[i].x_advance) * scale
            glyphs.append(PositionedGlyph(
                id: infos[i].codepoint, x: pen + Double(positions[i].x_offset) * scale,
                y: -Double(positions[i].y_offset) * scale, advance: advance, cluster: Int(infos[i].cluster)))
            pen += advance
        }
        return (glyphs, pen)
    }
}
