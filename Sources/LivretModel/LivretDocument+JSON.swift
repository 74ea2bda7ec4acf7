import Foundation

extension LivretDocument {
    /// Reads and validates a document; every error names `source` and the field.
    /// Runs `checkInput` first: an oversize file or field, a duplicate key or an unusable number
    /// is refused before JSONDecoder sees the bytes.
    public static func decode(_ data: Data, source: String) throws(DocumentError) -> LivretDocument {
        try checkInput(data, source: source)
        let document: LivretDocument
        do {
            document = try JSONDecoder().decode(LivretDocument.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let place = syntaxErrorPlace(data) {
                throw DocumentError(source: source, problems: [.init(field: "", message: "not valid JSON: \(place)")])
            }
            throw DocumentError(source: source, problems: [problem(for: error)])
        } catch {
            throw DocumentError(source: source, problems: [.init(field: "", message: "\(error)")])
        }
        var found = FieldCheck.unknownFields(in: data)
        found += document.problems()
        if !found.isEmpty { throw DocumentError(source: source, problems: found) }
        return document
    }

    /// The checks made on a document's bytes before any decoding, fast and in little memory
    /// (`JSONInputCheck`): the file is at most `InputLimits.documentBytes`; no key appears twice in
    /// an object; names, appreciations and other texts are within their `InputLimits`; numbers
    /// have at most 15 digits and are neither infinite nor rounded to 0. Anything reading part of a
    /// document with its own decoder (the print run's class lists) calls this first.
    public static func checkInput(_ data: Data, source: String) throws(DocumentError) {
        var problems: [DocumentError.Problem] = []
        if data.count <= InputLimits.documentScanBytes {
            // One fast pass, also over an oversize file, so that the field at fault is named.
            problems = inputCheck.problems(in: data).problems.map { .init(field: $0.path, message: $0.message) }
        }
        if data.count > InputLimits.documentBytes {
            problems.append(.init(field: "", message: "\(data.count) bytes is over the size limit of a livret document (\(InputLimits.documentBytes) bytes)"))
        }
        if !problems.isEmpty { throw DocumentError(source: source, problems: problems) }
    }

    /// The limits of a document's strings: names (every `nom`, `prenom`, `prenoms` but the
    /// établissement's `nom`), appreciations and avis (`appreciation`, `texte`), every other text.
    static let inputCheck = JSONInputCheck(
        shortLimit: InputLimits.nameCharacters, integerKeys: ["schemaVersion", "anneeScolaire", "numero", "effectif"]
    ) { path in
        let last = path.split(separator: ".").last.map { $0.prefix { $0 != "[" } } ?? ""
        switch last {
        case "appreciation", "texte": return InputLimits.longTextCharacters
        case "nom", "prenom", "prenoms":
            return path == "etablissement.nom" ? InputLimits.textCharacters : InputLimits.nameCharacters
        default: return InputLimits.textCharacters
        }
    }

    /// The canonical JSON form: sorted keys, two-space indentation, a final newline. Same value, same bytes.
    public func encoded() -> Data {
        try! CanonicalJSON.encode(self)  // every field is a plain value: encoding cannot fail
    }

    /// Where the JSON syntax breaks, as `line L, column C: …` (JSONDecoder does not say;
    /// JSONSerialization gives a character offset).
    static func syntaxErrorPlace(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            guard let range = detail.range(of: #"character \d+"#, options: .regularExpression),
                  let offset = Int(detail[range].dropFirst("character ".count))
            else { return detail }
            var line = 1, column = 1
            for byte in data.prefix(offset) {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return "line \(line), column \(column): \(detail)"
        }
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
            if let underlying = context.underlyingError {
                // The parser's own error says where: "Unexpected end of file around line 3, column 9."
                if let detail = (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                    message = detail
                } else if !"\(underlying)".isEmpty {
                    message = "\(underlying)"
                }
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
