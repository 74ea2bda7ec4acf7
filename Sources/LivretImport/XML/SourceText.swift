import Foundation

/// The raw bytes of an input file, to find the column of an element on a line for messages
/// (libxml2 keeps the line of an element, not its column).
struct SourceText: Sendable {
    let data: Data

    /// The 1-based byte column of `<element` on `line`, or of the first non-blank byte; nil if unknown.
    func column(line: Int, element: String?) -> Int? {
        guard line > 0 else { return nil }
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
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
            let lineBytes = Array(bytes[index..<end])
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
    }
}
