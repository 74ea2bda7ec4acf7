import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The raw bytes of an input file, to find the column of an element on a line for messages
/// (libxml2 keeps the line of an element, not its column): held in memory, or read again from the
/// file when asked (a file read as a stream, too large to hold; an index of every 1,024th line
/// start keeps each look-up short).
struct SourceText: Sendable {
    private let data: Data?
    private let path: String?
    /// Byte offset of lines 1, 1 + stride, 1 + 2·stride… (files read from `path` only).
    private let lineIndex: [Int]
    private static let stride = 1024

    /// The bytes of a file held in memory.
    init(data: Data) {
        self.data = data
        self.path = nil
        self.lineIndex = []
    }

    /// A file read from `path` when a column is asked (one pass now to index its lines).
    init(path: String) {
        self.data = nil
        self.path = path
        var index = [0]
        var line = 1
        var offset = 0
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                for position in 0..<count where buffer[position] == 0x0A {
                    line += 1
                    if (line - 1) % Self.stride == 0 { index.append(offset + position + 1) }
                }
                offset += count
            }
        }
        self.lineIndex = index
    }

    /// The input of `file`: its bytes, or the file it is read from.
    init(_ file: ImportInputs.File) {
        if let path = file.path { self.init(path: path) } else { self.init(data: file.data) }
    }

    /// The 1-based byte column of `<element` on `line`, or of the first non-blank byte; nil if unknown.
    func column(line: Int, element: String?) -> Int? {
        guard line > 0, let lineBytes = bytes(ofLine: line) else { return nil }
        if let element {
            let needle = Array(("<" + element).utf8)
            if needle.count <= lineBytes.count {
                for start in 0...(lineBytes.count - needle.count) where Array(lineBytes[start..<start + needle.count]) == needle {
                    return start + 1
                }
            }
        }
        if let first = lineBytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { return first + 1 }
        return nil
    }

    /// The bytes of `line` (without its newline), or nil past the end.
    private func bytes(ofLine line: Int) -> [UInt8]? {
        if let data {
            return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [UInt8]? in
                var current = 1
                var index = 0
                let count = bytes.count
                while current < line && index < count {
                    if bytes[index] == 0x0A { current += 1 }
                    index += 1
                }
                guard current == line else { return nil }
                var end = index
                while end < count && bytes[end] != 0x0A { end += 1 }
                return Array(bytes[index..<end])
            }
        }
        guard let path else { return nil }
        let slot = (line - 1) / Self.stride
        guard slot < lineIndex.count else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var current = slot * Self.stride + 1
        var offset = lineIndex[slot]
        var result: [UInt8]?
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        if current == line { result = [] }
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return current == line ? result ?? [] : nil }
            for position in 0..<count {
                let byte = buffer[position]
                if current == line {
                    if byte == 0x0A { return result ?? [] }
                    result?.append(byte)
                } else if byte == 0x0A {
                    current += 1
                    if current == line { result = [] }
                }
            }
            offset += count
        }
    }
}
