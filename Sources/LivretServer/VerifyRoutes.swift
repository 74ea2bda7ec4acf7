import Foundation
import Hummingbird
import LivretPipeline
import LivretSign
import X509

/// What `POST /api/verify` and `GET /api/verify?code=` answer: the verdict of `livret verify`
/// against the service's archive (authentic only when archived and the latest version).
struct VerdictBody: Codable {
    var authentic: Bool
    var status: String
    var message: String
    var signer: String?
    var signingTime: String?
    /// The pupil, when the archive was searched.
    var ine: String?
    /// The archived version found, when one was.
    var version: String?
}

/// `/api/verify`: public verification of a paper copy's PDF, or of a receipt's QR code text
/// (rate-limited per address).
func addVerifyRoutes(to router: Router<LivretRequestContext>, services: LivretServices) {
    router.post("/api/verify") { request, context -> Response in
        guard services.verifyLimiter.allow(context.address ?? "-") else {
            throw Problem(.tooManyRequests, detail: "too many verifications from this address: wait a minute", headers: [.retryAfter: "60"])
        }
        var request = request
        let collected = try await request.collectBody(upTo: services.configuration.maxScanBytes)
        guard let (verdict, signature) = try await services.verifyLivret(pdf: Data([UInt8](buffer: collected))) else {
            throw Problem(.serviceUnavailable, detail: "the service has no certificate of the lycée to verify against")
        }
        let time = signature.signingTime.map { date -> String in
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: date)
        }
        // A refused signature keeps its own status (altered, notSigned…); a valid one, the archive's.
        var body = VerdictBody(verdict, signer: signature.signer?.subject, signingTime: time)
        if !signature.isAuthentic { body.status = "\(signature.status)" }
        return try JSONResponse.make(body)
    }
    router.get("/api/verify") { request, context -> Response in
        guard services.verifyLimiter.allow(context.address ?? "-") else {
            throw Problem(.tooManyRequests, detail: "too many verifications from this address: wait a minute", headers: [.retryAfter: "60"])
        }
        guard let code = request.uri.queryParameters.get("code") else {
            throw Problem(.badRequest, detail: "invalid query", problems: [.init(field: "code", message: "missing: the text of the QR code")])
        }
        let verdict = try await services.verify(code: code)
        return try JSONResponse.make(VerdictBody(verdict))
    }
}

extension VerdictBody {
    /// The body of a ``LivretVerifier`` verdict.
    init(_ verdict: LivretVerifier.Verdict, signer: String? = nil, signingTime: String? = nil) {
        self.init(
            authentic: verdict.isAuthentic, status: "\(verdict.status)", message: verdict.message, signer: signer, signingTime: signingTime,
            ine: verdict.ine, version: verdict.version)
    }
}

extension LivretServices {
    /// `LivretVerifier.verify(code:)` against the service's archive: a malformed string is a 422
    /// problem naming the part, an unreadable archive a 503.
    func verify(code: String) async throws -> LivretVerifier.Verdict {
        let verifier = LivretVerifier(trusted: [], archive: archive)
        do {
            return try await executor.run { () throws -> LivretVerifier.Verdict in try verifier.verify(code: code) }
        } catch let failure as LivretVerifier.Failure {
            switch failure {
            case .malformed(let message):
                throw Problem(.unprocessableContent, detail: "not a verification string", problems: [.init(field: "code", message: message)])
            case .archive(let message):
                logger.error("verify.archive.failed", metadata: ["error": "\(message)"])
                throw Problem(.serviceUnavailable, detail: "the archive cannot be read", headers: [.retryAfter: "60"])
            }
        }
    }
}
