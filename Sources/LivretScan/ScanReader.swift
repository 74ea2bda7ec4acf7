import CScanImage
import CZBarBridge
import Foundation

/// Reads the QR codes of a scanned document: a PDF (each page rendered by poppler-glib at
/// ``dpi``), a PNG (decoded by cairo) or a JPEG (libjpeg-turbo), recognised by their first bytes,
/// never by their name; the pixels go to libzbar. Sizes are checked before anything is decoded:
/// at most ``maximumBytes`` of file, ``maximumPixels`` per image or page, ``maximumPages`` pages.
public enum ScanReader {
    /// The largest scan accepted (20 MB).
    public static let maximumBytes = 20_000_000
    /// The most pixels of one image or rendered page (100 megapixels: an A4 page at 1,200 dpi).
    public static let maximumPixels = 100_000_000
    /// The pages of a PDF scan that are read (a receipt is one page; a scanner may add a back).
    public static let maximumPages = 4
    /// The resolution PDF pages are rendered at.
    public static let dpi = 200.0

    /// What a file is, from its first bytes.
    public enum Kind: String, Sendable, Hashable {
        case pdf, png, jpeg

        /// The file name extension for this kind.
        public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

        /// The kind of `data`, or nil: `%PDF-` (within the first 1,024 bytes, as readers allow),
        /// the PNG signature, or a JPEG's SOI marker `FF D8 FF`.
        public init?(_ data: Data) {
            let head = [UInt8](data.prefix(1024))
            if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
                self = .png
            } else if head.starts(with: [0xFF, 0xD8, 0xFF]) {
                self = .jpeg
            } else if let range = Data(head).range(of: Data("%PDF-".utf8)), range.lowerBound < 1024 {
                self = .pdf
            } else {
                return nil
            }
        }
    }

    /// Why a scan cannot be read (the message names no file: the caller adds it).
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// What kind of failure, for a caller that words it in its own language.
        public enum Cause: Sendable, Hashable {
            /// More than ``ScanReader/maximumBytes``.
            case tooLarge
            /// Not a PDF, PNG or JPEG file.
            case notAScan
            /// An image or page of more than ``ScanReader/maximumPixels`` (or a side over 65,535).
            case tooManyPixels
            /// The file does not decode (damaged, truncated, a PDF without pages…), or libzbar failed.
            case undecodable
        }

        /// In plain words.
        public var description: String
        /// What kind of failure.
        public var cause: Cause = .undecodable
    }

    /// The QR codes found in `data`, in page order; empty when none could be read. Throws when
    /// the file is not a PDF, PNG or JPEG, is too large, or cannot be decoded.
    public static func qrCodes(in data: Data) throws(Failure) -> [String] {
        guard data.count <= maximumBytes else {
            throw Failure(description: "is \(data.count) bytes: more than the \(maximumBytes / 1_000_000) MB a scan may have", cause: .tooLarge)
        }
        guard let kind = Kind(data) else {
            throw Failure(description: "is not a PDF, PNG or JPEG file (its first bytes are none of theirs)", cause: .notAScan)
        }
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<[String], Failure> in
            Result { () throws(Failure) -> [String] in try decode(raw, kind: kind) }
        }
        return try result.get()
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, kind: Kind) throws(Failure) -> [String] {
        do {  // one scope: the pixel buffers are freed on every way out
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let base = bytes.baseAddress else { throw Failure(description: "is empty") }
            var error = [CChar](repeating: 0, count: 512)
            switch kind {
            case .png, .jpeg:
                var width: Int32 = 0, height: Int32 = 0
                let pixels = kind == .png
                    ? livret_scan_png(base, bytes.count, maximumPixels, &width, &height, &error, 512)
                    : livret_scan_jpeg(base, bytes.count, maximumPixels, &width, &height, &error, 512)
                guard let pixels else { throw Failure(description: Self.message(error), cause: Self.cause(width, height)) }
                defer { livret_scan_free(pixels) }
                return try scan(pixels, width: Int(width), height: Int(height))
            case .pdf:
                let pages = livret_scan_pdf_pages(base, bytes.count, &error, 512)
                guard pages >= 0 else { throw Failure(description: Self.message(error)) }
                guard pages > 0 else { throw Failure(description: "is a PDF without pages") }
                var codes: [String] = []
                for index in 0..<min(Int(pages), maximumPages) {
                    var width: Int32 = 0, height: Int32 = 0
                    guard let pixels = livret_scan_pdf_page(base, bytes.count, Int32(index), dpi, maximumPixels, &width, &height, &error, 512)
                    else { throw Failure(description: Self.message(error), cause: Self.cause(width, height)) }
                    defer { livret_scan_free(pixels) }
                    codes += try scan(pixels, width: Int(width), height: Int(height))
                    if !codes.isEmpty { break }
                }
                return codes
            }
        }
    }

    /// The QR codes libzbar finds in 8-bit grey pixels (rows of `width` bytes).
    public static func qrCodes(grey: [UInt8], width: Int, height: Int) throws(Failure) -> [String] {
        guard width > 0, height > 0, grey.count == width * height else {
            throw Failure(description: "the pixels do not make a \(width) x \(height) image")
        }
        let result = grey.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) -> [String] in try scan(buffer.baseAddress!, width: width, height: height) }
        }
        return try result.get()
    }

    /// The longest QR text kept (a receipt's is about 120 bytes, or an address around it).
    static let maximumText = 4096
    /// The most codes read from one image.
    static let maximumCodes = 8

    private static func scan(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int) throws(Failure) -> [String] {
        var storage = [CChar](repeating: 0, count: maximumCodes * maximumText)
        var lengths = [Int](repeating: 0, count: maximumCodes)
        let count: Int32 = storage.withUnsafeMutableBufferPointer { flat in
            var pointers: [UnsafeMutablePointer<CChar>?] = (0..<maximumCodes).map { flat.baseAddress! + $0 * maximumText }
            return pointers.withUnsafeMutableBufferPointer { texts in
                lengths.withUnsafeMutableBufferPointer { sizes in
                    livret_zbar_scan_qr(pixels, Int32(width), Int32(height), texts.baseAddress, maximumText, sizes.baseAddress, Int32(maximumCodes))
                }
            }
        }
        guard count >= 0 else { throw Failure(description: "could not be scanned by libzbar") }
        var codes: [String] = []
        for index in 0..<Int(count) where lengths[index] < maximumText {
            let start = index * maximumText
            let bytes = storage[start..<(start + lengths[index])].map { UInt8(bitPattern: $0) }
            codes.append(String(decoding: bytes, as: UTF8.self))
        }
        return codes
    }

    /// `.tooManyPixels` when the bridge gave back the dimensions it refused, else `.undecodable`.
    private static func cause(_ width: Int32, _ height: Int32) -> Failure.Cause {
        width > 65535 || height > 65535 || Int(width) * Int(height) > maximumPixels ? .tooManyPixels : .undecodable
    }

    private static func message(_ buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
