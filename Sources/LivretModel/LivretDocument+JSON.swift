import Foundation

extension LivretDocument {
    /// Reads and validates a document; every error names `source` and the field.
    public static func decode(_ data: Data, source: String) throws(DocumentError) -> LivretDocument {
        let document: LivretDocument
        do {
            document = try JSONDecoder().decode(LivretDocument.self, from: data)
        } catch let error as DecodingError {
            throw DocumentError(source: source, problems: [problem(for: error)])
        } catch {
            throw DocumentError(source: source, problems: [.init(field: "", message: "\(error)")])
        }
        try document.validate(source: source)
        return document
    }

    /// The canonical JSON form: sorted keys, two-space indentation, a final newline. Same value, same bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try! encoder.encode(self)  // every field is a plain value: encoding cannot fail
        data.append(0x0A)
        return data
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text
    }

    private static func problem(for error: DecodingError) -> DocumentError.Problem {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .init(field: field, message: "required field is missing")
        case .typeMismatch(let type, let context):
            return .init(field: path(context.codingPath), message: "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return .init(field: path(context.codingPath), message: "expected \(describe(type)), found null")
        case .dataCorrupted(let context):
            var message = context.debugDescription
            if let underlying = context.underlyingError as? NSError,
               let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                message = detail
            }
            if context.codingPath.isEmpty { message = "not valid JSON: \(message)" }
            return .init(field: path(context.codingPath), message: message)
        @unknown default:
            return .init(field: "", message: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
