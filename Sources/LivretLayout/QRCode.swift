import CQRencode
import Foundation

/// A QR code as a square of dark and light modules, made by libqrencode (8-bit mode, error
/// correction level M). It holds no quiet zone: whoever draws it leaves ``quietZone`` modules of
/// white around it.
public struct QRCode: Hashable, Sendable {
    /// Modules of white a reader needs around the code (ISO/IEC 18004).
    public static let quietZone = 4
    /// The longest text encoded (bytes): a receipt's string or address is far shorter.
    public static let maximumBytes = 1024

    /// Modules per side.
    public let size: Int
    /// `size × size` modules, row by row, `true` for dark.
    public let modules: [Bool]

    /// Why a text cannot be encoded.
    public struct EncodingError: Error, Hashable, Sendable, CustomStringConvertible {
        /// In plain words.
        public var description: String
    }

    /// Encodes `text` (UTF-8 bytes, 8-bit mode, level M).
    public init(_ text: String) throws(EncodingError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumBytes, !bytes.contains(0) else {
            throw EncodingError(description: "a QR code holds 1 to \(Self.maximumBytes) bytes without NUL (got \(bytes.count))")
        }
        let code = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
        }
        guard let code else { throw EncodingError(description: "libqrencode could not encode \(bytes.count) bytes (errno \(errno))") }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for index in 0..<(width * width) {
            // libqrencode: bit 0 of each byte is the module's colour (1 = dark).
            modules[index] = code.pointee.data[index] & 1 == 1
        }
        self.size = width
        self.modules = modules
    }

    /// Whether the module at (`row`, `column`) is dark.
    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// The dark modules as filled rectangles (each horizontal run of dark modules one rectangle)
    /// inside a square of side `side` points whose top-left corner is (`x`, `y`); the quiet zone
    /// is included in `side` (and left white: nothing is drawn there).
    public func items(x: Double, y: Double, side: Double, color: Color = .black) -> [PageItem] {
        let total = Double(size + 2 * Self.quietZone)
        let module = side / total
        var items: [PageItem] = []
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < size && isDark(row: row, column: column) { column += 1 }
                items.append(.fill(
                    x: x + Double(Self.quietZone + start) * module, y: y + Double(Self.quietZone + row) * module,
                    width: Double(column - start) * module, height: module, color: color))
            }
        }
        return items
    }
}
