import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretServer
import Testing

/// `GET /api/pupils/{ine}/receipts` (the journal's receipts and stubs, the read journaled, the
/// same 404 rule as a livret) and the refusals of `POST /api/pupils/{ine}/receipts/stub`.
@Suite(.serialized) struct ReceiptRouteTests {
    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    struct Answer: Decodable {
        struct Status: Decodable { var version: String; var receipts: Int; var returned: String? }
        struct Issued: Decodable { var version: String?; var sha256: String? }
        struct Stub: Decodable { var version: String?; var withoutQR: Bool }
        var ine: String
        var status: Status?
        var issued: [Issued]
        var stubs: [Stub]
    }

    @Test func receiptsOfAPupilAsTheFamilySeesThem() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let journal = Journal(home: fixture.home)
        let b = ServerFixture.b
        let receiptDigest = String(repeating: "b", count: 64)
        try journal.append(JournalEntry(actor: "Test", action: "receipt", ine: b, object: Archive.objectID(ine: b), version: "v1", sha256: receiptDigest))
        try journal.append(JournalEntry(actor: "Test", action: "stub-returned", ine: b, object: Archive.objectID(ine: b), version: "v2", sha256: String(repeating: "c", count: 64)))
        let before = try fixture.journal().count
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            let own = try await client.execute(uri: "/api/pupils/\(b)/receipts", method: .get, headers: bearer(fixture.tokens["famille"]!)) { $0 }
            #expect(own.status == .ok, "\(String(buffer: own.body))")
            let answer = try JSONDecoder().decode(Answer.self, from: Data(own.body.readableBytesView))
            #expect(answer.ine == b && answer.issued.count == 1 && answer.issued.first?.sha256 == receiptDigest)
            #expect(answer.stubs.count == 1 && answer.stubs.first?.version == "v2" && answer.stubs.first?.withoutQR == false)
            #expect(answer.status?.version == "v1" && answer.status?.receipts == 1 && answer.status?.returned != nil)
            // A pupil with no receipt: empty lists, no status.
            let none = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/receipts", method: .get, headers: bearer(fixture.tokens["chef"]!)) { $0 }
            let empty = try JSONDecoder().decode(Answer.self, from: Data(none.body.readableBytesView))
            #expect(none.status == .ok && empty.issued.isEmpty && empty.stubs.isEmpty && empty.status == nil)
            // Another child: 404, the same body as a pupil that does not exist.
            let hidden = try await client.execute(uri: "/api/pupils/\(ServerFixture.a)/receipts", method: .get, headers: bearer(fixture.tokens["famille"]!)) { $0 }
            let absent = try await client.execute(uri: "/api/pupils/999999999ZZ/receipts", method: .get, headers: bearer(fixture.tokens["famille"]!)) { $0 }
            #expect(hidden.status == .notFound && absent.status == .notFound)
            #expect(Data(hidden.body.readableBytesView) == Data(absent.body.readableBytesView))
        }
        let entries = Array(try fixture.journal().dropFirst(before))
        #expect(entries.count == 3, "\(entries)")
        #expect(entries.first?.action == "consult" && entries.first?.ine == b && entries.first?.role == "famille")
        #expect(entries.first?.request == "GET /api/pupils/\(b)/receipts")
        #expect(entries.last?.action == "refuse" && entries.last?.status == 404 && entries.last?.ine == ServerFixture.a)
    }

    @Test func aStubThatIsNoScanIsRefusedAndNothingArchived() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let archive = try Archive(home: fixture.home)
        let head = try archive.inventory(ine: ServerFixture.a).head
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            let refused = try await client.execute(
                uri: "/api/pupils/\(ServerFixture.a)/receipts/stub", method: .post,
                headers: bearer(fixture.tokens["secretariat"]!).merging([.contentType: "application/pdf"]), body: ByteBuffer(string: "not a scan")) { $0 }
            #expect(refused.status == .unprocessableContent, "\(String(buffer: refused.body))")
            #expect(String(buffer: refused.body).contains("not a PDF, PNG or JPEG"))
            let famille = try await client.execute(
                uri: "/api/pupils/\(ServerFixture.b)/receipts/stub", method: .post, headers: bearer(fixture.tokens["famille"]!), body: ByteBuffer(string: "x")) { $0.status }
            #expect(famille == .forbidden)
            let large = try await client.execute(
                uri: "/api/pupils/\(ServerFixture.a)/receipts/stub", method: .post, headers: bearer(fixture.tokens["chef"]!),
                body: ByteBuffer(repeating: 0x25, count: 4096)) { $0.status }
            #expect(large == .contentTooLarge)
        }
        #expect(try archive.inventory(ine: ServerFixture.a).head == head)
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var copy = self
        for field in other { copy.append(field) }
        return copy
    }
}
