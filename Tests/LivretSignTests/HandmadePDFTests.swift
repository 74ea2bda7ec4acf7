import Foundation
import LivretSign
import LivretTestSupport
import Testing

/// Structures cairo does not write but a signer must handle: comments inside dictionaries, an
/// inline /AcroForm that already has a field, a page tree two levels deep, no newline at the end.
@Suite("Signing PDFs of other shapes")
struct HandmadePDFTests {
    /// A one-page PDF with classic xref, built with exact offsets.
    static func handmade(endWithNewline: Bool) -> [UInt8] {
        let objects = [
            "<< /Type /Catalog % the catalog\n/Pages 2 0 R /AcroForm << /Fields [6 0 R] /DA (/Helv 0 Tf 0 g) >> /Lang (fr\\)x) >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 1 >>",
            "<< /Type /Page % 1\n/Parent 3 0 R /MediaBox [0 0 200 100] /Contents 5 0 R /Resources << /Font << /F1 7 0 R >> >> /Annots [6 0 R] >>",
            "<< /Length 42 >>\nstream\nBT /F1 12 Tf 20 50 Td (Livret sign) Tj ET\nendstream",
            "<< /Type /Annot /Subtype /Widget /FT /Tx /T (nom) /Rect [0 0 0 0] /F 4 /P 4 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = Array("%PDF-1.4\n%\u{e2}\u{e3}\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n\r\n", offset).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n\(xref)\n%%EOF".utf8)
        if endWithNewline { out.append(10) }
        return out
    }

    @Test("comments, inline /AcroForm with a field, nested page tree, with and without a final newline", arguments: [false, true])
    func handmade(endWithNewline: Bool) async throws {
        let directory = try TestSupport.temporaryDirectory("handmade")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = Self.handmade(endWithNewline: endWithNewline)
        let unsigned = directory.appendingPathComponent("in.pdf")
        try Data(input).write(to: unsigned)
        try #require(try TestSupport.run("qpdf", ["--check", unsigned.path]).status == 0, "the hand-made PDF is valid")
        let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let signed = try PAdESSigner(signer: identity.signer).sign(pdf: input, date: Date(), name: "in.pdf")
        #expect(Array(signed.prefix(input.count)) == input)
        let out = directory.appendingPathComponent("out.pdf")
        try Data(signed).write(to: out)
        let pdfsig = try TestSupport.run("pdfsig", [out.path])
        #expect(pdfsig.stdoutText.contains("Signature is Valid") && pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
        let check = try TestSupport.run("qpdf", ["--check", out.path])
        #expect(check.status == 0, "\(check.stdoutText)")
        // The catalog kept /Lang (a string with an escaped parenthesis) and the form's /DA; the form has both fields.
        let catalog = try TestSupport.run("qpdf", ["--show-object=1", out.path]).stdoutText
        #expect(catalog.contains("/Lang (fr\\)x)"), "\(catalog)")
        #expect(catalog.contains("/DA (/Helv 0 Tf 0 g)") && catalog.contains("/Fields [ 6 0 R 9 0 R ]") && catalog.contains("/SigFlags 3"), "\(catalog)")
        let text = String(decoding: signed[input.count...], as: UTF8.self)
        #expect(text.contains("/Fields [6 0 R 9 0 R]"), "\(text.prefix(3000))")
        #expect(text.contains("/Annots [6 0 R 9 0 R]"))
        #expect(await SignatureVerifier(trusted: [identity.certificate]).verify(pdf: signed).isAuthentic)
        #expect(try TestSupport.pdfText(out).contains("Livret sign"))
    }
}
