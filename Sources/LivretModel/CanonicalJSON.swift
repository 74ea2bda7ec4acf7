import Foundation

/// The one JSON form livret writes (documents, reports, summaries, listings): sorted keys,
/// two-space indentation, `/` not escaped, a final newline. Same value, same bytes.
public enum CanonicalJSON {
    /// A new encoder configured for the canonical form (without the final newline).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `value` in the canonical form, with its final newline.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }
}
