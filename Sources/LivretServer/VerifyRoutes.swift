import Foundation
import Hummingbird
import LivretSign
import X509

/// What `POST /api/verify` answers: the verdict of `livret verify`.
struct VerdictBody: Codable {
    var authentic: Bool
    var status: String
    var message: String
    var signer: String?
    var signingTime: String?
}

/// `/api/verify`: public verification of a paper copy's PDF (rate-limited per address).
func addVerifyRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.post("/api/verify") { request, context -> Response in
        guard services.verifyLimiter.allow(context.address ?? "-") else {
            throw Problem(.tooManyRequests, detail: "too many verifications from this address: wait a minute", headers: [.retryAfter: "60"])
        }
        var request = request
        let body = try await request.collectBody(upTo: services.configuration.maxScanBytes)
        let bytes = [UInt8](buffer: body)
        let folder = KeysFolder(url: KeysFolder.defaultURL(keysOption: services.configuration.keys, environment: [:], archiveHome: services.configuration.home))
        let trusted = try await services.executor.run { () throws -> [Certificate] in
            guard FileManager.default.fileExists(atPath: folder.certificateFile.path) else { return [] }
            return try folder.certificates()
        }
        guard !trusted.isEmpty else {
            throw Problem(.serviceUnavailable, detail: "the service has no certificate of the lycée to verify against")
        }
        let verdict = await SignatureVerifier(trusted: trusted).verify(pdf: bytes)
        let time = verdict.signingTime.map { date -> String in
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        }
        return try JSONResponse.make(VerdictBody(
            authentic: verdict.isAuthentic, status: "\(verdict.status)", message: verdict.message, signer: verdict.signer?.subject,
            signingTime: time))
    }
    router.get("/api/verify") { request, _ -> Response in
        guard request.uri.queryParameters.get("code") != nil else {
            throw Problem(.badRequest, detail: "invalid query", problems: [.init(field: "code", message: "missing: the text of the QR code")])
        }
        throw Problem(.notImplemented, detail: "verifying a QR code's text is not offered yet: upload the PDF (POST /api/verify)")
    }
}
