import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import LivretTestSupport
import Testing

/// The sample lycée through the API: import (multipart), a print run of one division as a job
/// followed by server-sent events to the end, its class PDF downloaded, a pupil's livret read.
@Suite(.serialized) struct PrintRunJobTests {
    @Test func importPrintFollowDownload() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        var configuration = fixture.configuration
        configuration.layouts = TestSupport.repositoryRoot.appendingPathComponent("Layouts").path
        configuration.fonts = TestSupport.repositoryRoot.appendingPathComponent("Fonts").path
        configuration.maxScanBytes = 20_000_000
        let app = try await buildApplication(configuration: configuration)
        let token = fixture.tokens["secretariat"]!
        let sample = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee")
        var body = ByteBuffer()
        for (name, file) in [("eleves", "ElevesSansAdresses.xml"), ("evaluations", "import-lsl.xml"), ("etablissement", "etablissement.json")] {
            body.writeString("--BOUNDARY\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\n\r\n")
            body.writeBytes(try Data(contentsOf: sample.appendingPathComponent(file)))
            body.writeString("\r\n")
        }
        body.writeString("--BOUNDARY--\r\n")
        let upload = body
        try await app.test(.router) { client in
            let imported = try await client.execute(
                uri: "/api/imports", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=BOUNDARY"], body: upload) { $0 }
            #expect(imported.status == .created, "\(String(buffer: imported.body))")
            let dataset = try #require(try JSONSerialization.jsonObject(with: Data(imported.body.readableBytesView)) as? [String: Any])
            let id = try #require(dataset["id"] as? String)
            #expect((dataset["pupils"] as? Int ?? 0) > 10)
            let started = try await client.execute(
                uri: "/api/print-runs", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: "{\"dataset\":\"\(id)\",\"divisions\":[\"1S1\"],\"receipts\":true}")) { $0 }
            #expect(started.status == .accepted, "\(String(buffer: started.body))")
            let job = try #require(try JSONSerialization.jsonObject(with: Data(started.body.readableBytesView)) as? [String: Any])
            let jobID = try #require(job["id"] as? String)
            let events = try await client.execute(uri: "/api/print-runs/\(jobID)/events", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(events.headers[.contentType] == "text/event-stream")
            let text = String(buffer: events.body)
            #expect(text.contains("event: done\ndata: "), "\(text.suffix(500))")
            let last = try #require(text.components(separatedBy: "event: done\ndata: ").last?.split(separator: "\n").first)
            let done = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(done["state"] as? String == "done")
            #expect((done["pages"] as? Int ?? 0) > 0 && done["pupilsDone"] as? Int == done["pupilsTotal"] as? Int)
            let pdf = try await client.execute(uri: "/api/print-runs/\(jobID)/files/1S1.pdf", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(pdf.status == .ok)
            let file = fixture.home.appendingPathComponent("1S1.pdf")
            try Data(pdf.body.readableBytesView).write(to: file)
            let info = try TestSupport.run("pdfinfo", [file.path])
            #expect(info.stdoutText.contains("Pages:") && info.status == 0)
            let pages = info.stdoutText.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            #expect(pages >= (done["pages"] as? Int ?? 0))

            // With "receipts": a receipt per pupil, listed and downloadable; its QR code verifies.
            let files = try #require(done["files"] as? [String])
            let receipts = files.filter { $0.hasPrefix("1S1/") && $0.hasSuffix("-recepisse.pdf") }
            #expect(receipts.count == done["pupilsDone"] as? Int, "\(files)")
            #expect(files.contains("1S1-recepisses.pdf"), "\(files)")
            let receiptPath = try #require(receipts.first)
            let receipt = try await client.execute(uri: "/api/print-runs/\(jobID)/files/\(receiptPath)", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 }
            #expect(receipt.status == .ok && receipt.headers[.contentType] == "application/pdf")
            let receiptFile = fixture.home.appendingPathComponent("recepisse.pdf")
            try Data(receipt.body.readableBytesView).write(to: receiptFile)
            let image = fixture.home.appendingPathComponent("recepisse")
            #expect(try TestSupport.run("pdftoppm", ["-r", "200", "-png", "-singlefile", receiptFile.path, image.path]).status == 0)
            let scanned = try TestSupport.run("zbarimg", ["-q", "--raw", image.path + ".png"])
            let code = try #require(scanned.stdoutText.split(separator: "\n").first.map(String.init), "no QR code in the receipt")
            #expect(code.hasPrefix("LSL1:"), "\(code)")
            let query = "/api/verify?code=" + code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let verified = try await client.execute(uri: query, method: .get) { $0 }
            #expect(verified.status == .ok && String(buffer: verified.body).contains("\"authentic\":true"), "\(String(buffer: verified.body))")

            // The receipt comes back signed: its scan recorded as the pupil's stub, then listed.
            let ine = code.split(separator: ":").map(String.init)[2]
            let scan = try Data(contentsOf: URL(fileURLWithPath: image.path + ".png"))
            let stub = try await client.execute(
                uri: "/api/pupils/\(ine)/receipts/stub", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "image/png"],
                body: ByteBuffer(bytes: scan)) { $0 }
            #expect(stub.status == .created, "\(String(buffer: stub.body))")
            #expect(String(buffer: stub.body).contains("recepisse-retour-1.png"), "\(String(buffer: stub.body))")
            let listed = try await client.execute(uri: "/api/pupils/\(ine)/receipts", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0 }
            let receiptsOfPupil = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.readableBytesView)) as? [String: Any])
            #expect((receiptsOfPupil["stubs"] as? [Any])?.count == 1, "\(receiptsOfPupil)")
        }
    }
}
