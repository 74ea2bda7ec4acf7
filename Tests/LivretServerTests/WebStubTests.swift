import Foundation
import Hummingbird
import HummingbirdTesting
import LivretArchive
import LivretModel
import LivretServer
import Testing

/// A returned stub on the pupil's web page: each refusal said in French, with what to do, and
/// nothing archived; an archived stub read back through the API and from the page (chef and
/// secrétariat only, every read journaled).
@Suite(.serialized) struct WebStubTests {
    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func refusedScansAreSaidInFrenchAndNothingIsArchived() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let a = ServerFixture.a, b = ServerFixture.b
        let archive = try Archive(home: fixture.home)
        let head = try archive.inventory(ine: a).head
        let journalBefore = try fixture.journal().count
        let otherPupil = try ReceiptCode(uai: "0351261F", ine: b, annee: "2015-2016", version: "v1", sha256: String(repeating: "ab", count: 32))
        let cases: [(name: String, scan: Data, said: [String])] = [
            ("texte", Data("ceci n'est pas un scan".utf8), ["Ce fichier n’est ni un PDF, ni une image PNG ou JPEG"]),
            ("blanc", try TestScans.png(qr: nil), ["Aucun QR code lisible", "200 ppp au moins"]),
            ("autre-qr", try TestScans.png(qr: "https://example.org/<b>menu</b>"), ["n’est pas celui d’un récépissé"]),
            ("autre-eleve", try TestScans.png(qr: otherPupil.description), ["Le QR code lu désigne l’élève INE \(b) et non INE \(a)", "autre élève"]),
            ("geant", TestScans.pngHeader(width: 60000, height: 60000), ["trop grande", "plus de 100 millions de pixels", "200 ou 300 ppp"]),
            ("abime", TestScans.pngHeader(width: 10, height: 10), ["abîmé ou incomplet", "numérisez à nouveau"]),
        ]
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            var web = WebClient(client: client)
            try await web.signIn(fixture.tokens["secretariat"]!)
            let page = try await web.get("/eleves/\(a)")
            #expect(page.status == .ok)
            let csrf = try #require(WebClient.csrf(in: String(buffer: page.body)))
            for (name, scan, said) in cases {
                let response = try await web.post("/eleves/\(a)/talon", csrf: csrf, files: [("talon", "\(name).png", scan)])
                let html = String(buffer: response.body)
                #expect(response.status == .unprocessableContent, "\(name): \(response.status)")
                #expect(html.contains("talon refusé, rien n’a été archivé. "), "\(name): \(html)")
                for words in said { #expect(html.contains(words), "\(name): « \(words) » not in the page") }
                // French only; nothing of the file's own text echoed unescaped.
                #expect(!html.contains("nothing archived") && !html.contains("cannot be decoded") && !html.contains("<b>menu</b>"), "\(name)")
            }
        }
        #expect(try archive.inventory(ine: a).head == head)
        let entries = try fixture.journal().dropFirst(journalBefore)
        #expect(!entries.contains { $0.action == "stub-returned" }, "\(entries)")
    }

    /// Archives a stub's scan (a blank PNG) as `receipt record` does (a new version holding
    /// `2015-2016/recepisse-retour-1.png`, a `stub-returned` entry); returns the version and its digest.
    static func archiveStub(_ fixture: ServerFixture, ine: String) throws -> (version: String, sha256: String) {
        let scan = try TestScans.png(qr: nil, side: 64)
        let archive = try Archive(home: fixture.home)
        let put = try archive.put(
            ine: ine, files: [ArchiveFile(logicalPath: "2015-2016/recepisse-retour-1.png", data: scan)], message: "Talon du récépissé retourné signé",
            user: ArchiveUser(name: "Test", address: nil), metadata: ArchiveMetadata(division: "1S1", year: "2015"))
        let digest = Digests.sha256(scan)
        try Journal(home: fixture.home).append(JournalEntry(
            actor: "Test", action: "stub-returned", ine: ine, object: Archive.objectID(ine: ine), version: put.version, sha256: digest))
        return (put.version, digest)
    }

    @Test func anArchivedStubIsReadBackByTheSecretariatOnlyAndJournaled() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let a = ServerFixture.a
        let stub = try Self.archiveStub(fixture, ine: a)
        let before = try fixture.journal().count
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            let uri = "/api/pupils/\(a)/stubs/1"
            for role in ["chef", "secretariat"] {
                let response = try await client.execute(uri: uri, method: .get, headers: bearer(fixture.tokens[role]!)) { $0 }
                #expect(response.status == .ok, "\(role): \(response.status)")
                #expect(response.headers[.contentType] == "image/png")
                #expect(Digests.sha256(Data(response.body.readableBytesView)) == stub.sha256, "\(role): not the recorded scan")
            }
            for role in ["enseignant", "cpe", "jury", "famille", "archiviste"] {
                let status = try await client.execute(uri: uri, method: .get, headers: bearer(fixture.tokens[role]!)) { $0.status }
                #expect(status == .forbidden, "\(role): \(status)")
            }
            #expect(try await client.execute(uri: uri, method: .get) { $0.status } == .unauthorized)
            let chef = bearer(fixture.tokens["chef"]!)
            // Absent: another number, another year, a pupil without stubs, a pupil that does not exist.
            for absent in ["/api/pupils/\(a)/stubs/2", "/api/pupils/\(a)/stubs/1?year=2014-2015", "/api/pupils/\(ServerFixture.b)/stubs/1",
                           "/api/pupils/999999999ZZ/stubs/1"] {
                #expect(try await client.execute(uri: absent, method: .get, headers: chef) { $0.status } == .notFound, "\(absent)")
            }
            // Not a number, not a year: 400 before the archive is asked.
            for bad in ["/api/pupils/\(a)/stubs/0", "/api/pupils/\(a)/stubs/01", "/api/pupils/\(a)/stubs/abc", "/api/pupils/\(a)/stubs/1.png",
                        "/api/pupils/\(a)/stubs/1?year=../x"] {
                #expect(try await client.execute(uri: bad, method: .get, headers: chef) { $0.status } == .badRequest, "\(bad)")
            }
        }
        let entries = Array(try fixture.journal().dropFirst(before))
        let reads = entries.filter { $0.action == "consult" }
        #expect(reads.count == 2 && reads.allSatisfy {
            $0.ine == a && $0.request == "GET /api/pupils/\(a)/stubs/1" && $0.sha256 == stub.sha256 && $0.version == stub.version
        }, "\(reads)")
        #expect(Set(reads.compactMap(\.role)) == ["chef", "secretariat"])
        let refusals = entries.filter { $0.action == "refuse" && $0.status == 403 }
        #expect(Set(refusals.compactMap(\.role)) == ["enseignant", "cpe", "jury", "famille", "archiviste"])
    }

    @Test func theStubOpensFromThePupilPage() async throws {
        let fixture = try ServerFixture()
        defer { fixture.remove() }
        let a = ServerFixture.a
        let stub = try Self.archiveStub(fixture, ine: a)
        let before = try fixture.journal().count
        let app = try await buildApplication(configuration: fixture.configuration)
        try await app.test(.router) { client in
            var web = WebClient(client: client)
            try await web.signIn(fixture.tokens["secretariat"]!)
            let page = String(buffer: try await web.get("/eleves/\(a)").body)
            let link = "/eleves/\(a)/talons/1?annee=2015-2016"
            #expect(page.contains("<a href=\"\(link)\">talon n° 1 (PNG)</a>"), "\(page)")
            let opened = try await web.get(link)
            #expect(opened.status == .ok && opened.headers[.contentType] == "image/png")
            #expect(Digests.sha256(Data(opened.body.readableBytesView)) == stub.sha256)
            #expect(try await web.get("/eleves/\(a)/talons/2").status == .notFound)
            #expect(try await web.get("/eleves/\(a)/talons/x").status == .notFound)
            // A family sees its child's page without the stubs, and cannot open one.
            var family = WebClient(client: client)
            try await family.signIn(fixture.tokens["famille"]!)
            #expect(try await family.get("/eleves/\(ServerFixture.b)/talons/1").status == .forbidden)
        }
        let reads = try fixture.journal().dropFirst(before).filter { $0.action == "consult" }
        #expect(reads.count == 1 && reads.first?.request == "GET /eleves/\(a)/talons/1" && reads.first?.sha256 == stub.sha256, "\(reads)")
    }
}
