/// The tagging half of the finisher: what cairo 1.16 cannot write into a tagged PDF.
/// - every page's unmarked content becomes `/Artifact` marked content (`PDFContentMarker`);
/// - structure elements get their attributes: /ID and /A << /O /Table /Scope … >> on header
///   cells, /A << /O /Table /Headers [ids] >> on data cells; the structure tree root an /IDTree.
/// cairo creates one structure element per `cairo_tag_begin`, children after their parent, in
/// call order: the tree read in preorder lists them in the order `PDFWriter` recorded them.
enum PDFStructureFinisher {
    static func failure(_ message: String) -> PDFError {
        PDFError(function: "PDFArchivalFinisher", message: "tagged PDF: \(message)")
    }

    /// New bodies for the objects to rewrite, by object number.
    static func replacements(
        reader: PDFFileReader, catalog: [String: PDFObject], structure: [PDFStructureAttributes]
    ) throws -> [Int: [UInt8]] {
        var result: [Int: [UInt8]] = [:]
        // Pages, in page-tree order.
        guard let pagesNumber = catalog["Pages"]?.referenceValue else { throw failure("no page tree") }
        var stack = [pagesNumber]
        var seen: Set<Int> = []
        while let number = stack.popLast() {
            guard seen.insert(number).inserted else { throw failure("the page tree loops") }
            let node = try reader.object(number).value
            if node["Type"]?.nameValue == "Pages" {
                stack += (node["Kids"]?.arrayValue ?? []).compactMap(\.referenceValue).reversed()
                continue
            }
            let contents: [Int] = switch node["Contents"] {
            case .reference(let content, _)?: [content]
            case .array(let items)?: items.compactMap(\.referenceValue)
            default: []
            }
            for content in contents where result[content] == nil {
                let object = try reader.object(content)
                guard let encoded = object.stream else { throw failure("page content \(content) is not a stream") }
                let decoded: [UInt8]
                switch object.value["Filter"] {
                case nil: decoded = encoded
                case .name("FlateDecode")?:
                    guard let data = Flate.decompress(encoded, expected: nil) else { throw failure("page content \(content) does not decompress") }
                    decoded = data
                default: throw failure("page content \(content) has a filter livret does not read")
                }
                guard let marked = PDFContentMarker.wrapArtifacts(decoded) else { throw failure("page content \(content) cannot be read") }
                let data = Flate.compress(marked, level: Flate.fast)
                result[content] = PDFObject.dictionary(["Length": .integer(data.count), "Filter": .name("FlateDecode")]).serialized
                    + Array("\nstream\n".utf8) + data + Array("\nendstream".utf8)
            }
        }

        // Structure elements, in preorder.
        guard let rootNumber = catalog["StructTreeRoot"]?.referenceValue else {
            if structure.isEmpty { return result }
            throw failure("cairo wrote no structure tree for \(structure.count) elements")
        }
        guard var root = try reader.object(rootNumber).value.dictionaryValue else { throw failure("the structure tree root is not a dictionary") }
        func children(_ kids: PDFObject?) -> [Int] {
            switch kids {
            case .reference(let number, _)?: [number]
            case .array(let items)?: items.compactMap(\.referenceValue)
            default: []
            }
        }
        var order: [(number: Int, element: PDFObject)] = []
        var pending = Array(children(root["K"]).reversed())
        while let number = pending.popLast() {
            let element = try reader.object(number).value
            guard element["Type"]?.nameValue == "StructElem" else { continue }
            order.append((number, element))
            pending += children(element["K"]).reversed()
        }
        guard order.count == structure.count else {
            throw failure("cairo wrote \(order.count) structure elements, livret drew \(structure.count)")
        }
        var ids: [([UInt8], Int)] = []
        for ((number, value), attributes) in zip(order, structure) {
            guard var element = value.dictionaryValue, element["S"]?.nameValue == attributes.type else {
                throw failure("structure element \(number) is not the \(attributes.type) livret drew")
            }
            var table: [String: PDFObject] = [:]
            if let scope = attributes.scope { table["Scope"] = .name(scope) }
            if attributes.columnSpan > 1 { table["ColSpan"] = .integer(attributes.columnSpan) }
            if attributes.rowSpan > 1 { table["RowSpan"] = .integer(attributes.rowSpan) }
            if !attributes.headers.isEmpty { table["Headers"] = .array(attributes.headers.map { .string(Array($0.utf8)) }) }
            if !table.isEmpty {
                table["O"] = .name("Table")
                element["A"] = .dictionary(table)
            }
            if let id = attributes.id {
                element["ID"] = .string(Array(id.utf8))
                ids.append((Array(id.utf8), number))
            }
            if !table.isEmpty || attributes.id != nil { result[number] = PDFObject.dictionary(element).serialized }
        }
        if !ids.isEmpty {
            ids.sort { $0.0.lexicographicallyPrecedes($1.0) }
            for index in ids.indices.dropFirst() where ids[index].0 == ids[index - 1].0 {
                throw failure("two header cells have the id \(String(decoding: ids[index].0, as: UTF8.self))")
            }
            root["IDTree"] = .dictionary(["Names": .array(ids.flatMap { [PDFObject.string($0.0), .reference($0.1, 0)] })])
            result[rootNumber] = PDFObject.dictionary(root).serialized
        }
        return result
    }
}
