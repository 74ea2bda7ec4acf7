import Foundation
import Hummingbird
import LivretImport
import MultipartKit

/// `/api/imports`, `/api/datasets`: the exchange files → a new dataset, all or nothing.
func addImportRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.get("/api/datasets") { request, context -> Response in
        try await services.authorize(.listDatasets, request, context)
        return try JSONResponse.make(services.datasets.list())
    }

    // multipart/form-data with the parts `eleves` (SIECLE ElevesSansAdresses.xml), `evaluations`
    // (LSL import XML) and `etablissement` (etablissement.json), each at most the exchange-file limit.
    router.post("/api/imports") { request, context -> Response in
        try await services.authorize(.importDataset, request, context)
        let configuration = services.configuration
        guard let nomenclature = configuration.nomenclature else {
            throw Problem(.serviceUnavailable, detail: "the service has no nomenclature: imports are not offered")
        }
        guard let contentType = request.headers[.contentType], let boundary = Multipart.boundary(contentType) else {
            throw Problem(.unsupportedMediaType, detail: "send multipart/form-data with the parts eleves, evaluations and etablissement")
        }
        var request = request
        let limit = configuration.maxExchangeFileBytes
        let body = try await request.collectBody(upTo: 3 * limit + 64 * 1024)
        let parts = try Multipart.parts(body, boundary: boundary)
        var problems: [Problem.Item] = []
        var files: [String: ImportInputs.File] = [:]
        for name in ["eleves", "evaluations", "etablissement"] {
            guard let part = parts.firstPart(named: name) else {
                problems.append(.init(field: name, message: "missing part"))
                continue
            }
            if part.body.readableBytes > limit {
                problems.append(.init(file: name, field: name, message: "\(part.body.readableBytes) bytes is over the size limit of \(limit) bytes: not read"))
                continue
            }
            files[name] = ImportInputs.File(name: name, data: Data(part.body.readableBytesView))
        }
        guard problems.isEmpty, let eleves = files["eleves"], let evaluations = files["evaluations"], let etablissement = files["etablissement"] else {
            throw Problem(.unprocessableContent, title: "Import refused", detail: "\(problems.count) error(s); nothing written", problems: problems)
        }
        let datasets = services.datasets
        let imported = try await services.executor.run { () throws -> Datasets.Imported in
            let nomenclatureFile = ImportInputs.File(name: URL(fileURLWithPath: nomenclature).lastPathComponent, data: try Data(contentsOf: URL(fileURLWithPath: nomenclature)))
            let matieres = try configuration.matieres.map {
                ImportInputs.File(name: URL(fileURLWithPath: $0).lastPathComponent, data: try Data(contentsOf: URL(fileURLWithPath: $0)))
            }
            return try datasets.importFiles(ImportInputs(
                eleves: eleves, evaluations: evaluations, etablissement: etablissement, nomenclature: nomenclatureFile, matieres: matieres))
        }
        var response = try JSONResponse.make(imported, status: .created)
        response.headers[.location] = "/api/datasets/\(imported.id)"
        return response
    }
}

/// multipart/form-data through MultipartKit's parser.
enum Multipart {
    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(_ contentType: String) -> String? {
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parameters.dropFirst() where parameter.lowercased().hasPrefix("boundary=") {
            var value = parameter.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.isEmpty || value.count > 70 ? nil : String(value)
        }
        return nil
    }

    /// Whether every header name of every part is ASCII. MultipartKit 4.7.1's parser traps (an
    /// index out of range in its table of header-name characters) on a byte ≥ 0x80 in a header
    /// name, which would stop the whole service: such a body is refused before it reaches the
    /// parser. Conservative: the block after every occurrence of the delimiter is checked.
    static func headerNamesAreASCII(_ body: Data, boundary: String) -> Bool {
        let delimiter = Data(("--" + boundary).utf8)
        let blankLine = Data("\r\n\r\n".utf8)
        var searchStart = body.startIndex
        while let found = body.range(of: delimiter, in: searchStart..<body.endIndex) {
            let blockEnd = body.range(of: blankLine, in: found.upperBound..<body.endIndex)?.lowerBound ?? body.endIndex
            for line in body[found.upperBound..<blockEnd].split(separator: 10) {
                let name = line.prefix { $0 != UInt8(ascii: ":") }
                if name.contains(where: { $0 >= 0x80 }) { return false }
            }
            searchStart = found.upperBound
        }
        return true
    }

    /// The parts of a body.
    static func parts(_ body: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        guard headerNamesAreASCII(Data(body.readableBytesView), boundary: boundary) else {
            throw Problem(.badRequest, detail: "the body is not valid multipart/form-data", problems: [.init(field: "body", message: "a part's header name is not ASCII")])
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { chunk in partBody.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders()
            partBody = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw Problem(.badRequest, detail: "the body is not valid multipart/form-data", problems: [.init(field: "body", message: "\(error)")])
        }
        return parts
    }
}
