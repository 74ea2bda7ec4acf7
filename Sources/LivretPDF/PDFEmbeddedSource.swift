import Crypto
import Foundation

/// Why a PDF's embedded source cannot be given back: one line, for `livret source`.
public struct PDFSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The document a livret PDF was rendered from, read back from its associated file
/// (catalog /AF, /AFRelationship /Source; see `PDFArchivalFinisher`). Signed files (incremental
/// updates over the finished PDF) are read through their newest cross-reference section.
public enum PDFEmbeddedSource {
    /// The embedded source's bytes, checked against its /Params /Size and /CheckSum (MD5).
    public static func extract(from pdf: Data) throws(PDFSourceError) -> (fileName: String, data: Data) {
        let bytes = [UInt8](pdf)
        guard bytes.starts(with: Array("%PDF-".utf8)) else { throw PDFSourceError(message: "not a PDF file (no %PDF- header)") }
        do {
            let reader = try PDFFileReader(bytes)
            guard let rootNumber = reader.trailer["Root"]?.referenceValue,
                  let catalog = try reader.object(rootNumber).value.dictionaryValue
            else { throw PDFSourceError(message: "damaged PDF: no document catalog") }
            guard let associated = try reader.resolve(catalog["AF"])?.arrayValue, !associated.isEmpty else {
                throw PDFSourceError(message: "no embedded source: the PDF has no associated file (catalog /AF)")
            }
            for item in associated {
                guard let spec = try reader.resolve(item)?.dictionaryValue, spec["AFRelationship"]?.nameValue == "Source",
                      let files = try reader.resolve(spec["EF"])?.dictionaryValue,
                      let fileNumber = (files["UF"] ?? files["F"])?.referenceValue
                else { continue }
                let file = try reader.object(fileNumber)
                guard let encoded = file.stream else { throw PDFSourceError(message: "damaged PDF: the embedded file is not a stream") }
                let params = try reader.resolve(file.value["Params"])?.dictionaryValue
                let expectedSize = params?["Size"]?.integerValue
                let data: [UInt8]
                switch file.value["Filter"] {
                case nil: data = encoded
                case .name("FlateDecode")?:
                    guard let decoded = Flate.decompress(encoded, expected: expectedSize) else {
                        throw PDFSourceError(message: "damaged PDF: the embedded source does not decompress")
                    }
                    data = decoded
                case let other?:
                    throw PDFSourceError(message: "the embedded source uses a filter livret does not read (\(String(decoding: other.serialized, as: UTF8.self)))")
                }
                if let expectedSize, expectedSize != data.count {
                    throw PDFSourceError(message: "damaged PDF: the embedded source has \(data.count) bytes, its /Params /Size says \(expectedSize)")
                }
                if case .string(let checksum)? = params?["CheckSum"], checksum != Array(Insecure.MD5.hash(data: data)) {
                    throw PDFSourceError(message: "damaged PDF: the embedded source does not match its /Params /CheckSum (MD5)")
                }
                var name = "source"
                if case .string(let raw)? = spec["UF"] ?? spec["F"] { name = Self.text(raw) }
                return (name, Data(data))
            }
            throw PDFSourceError(message: "no embedded source: no associated file with /AFRelationship /Source")
        } catch let error as PDFSourceError {
            throw error
        } catch let error as PDFSyntaxError {
            throw PDFSourceError(message: "unreadable PDF structure (\(error))")
        } catch {
            throw PDFSourceError(message: "unreadable PDF: \(error)")
        }
    }

    /// The document information's /Creator (the program and version that drew the PDF, e.g.
    /// `livret 0.1.0`), read through the newest trailer; nil when there is none.
    public static func creator(of pdf: Data) -> String? {
        guard let reader = try? PDFFileReader([UInt8](pdf)),
              let info = try? reader.resolve(reader.trailer["Info"])?.dictionaryValue,
              case .string(let bytes)? = try? reader.resolve(info["Creator"]) else { return nil }
        return text(bytes)
    }

    /// A PDF text string's characters (UTF-16BE with BOM, else taken as Latin-1/PDFDocEncoding).
    static func text(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFE, 0xFF]) {
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        }
        return String(bytes.map { Character(Unicode.Scalar($0)) })
    }
}
