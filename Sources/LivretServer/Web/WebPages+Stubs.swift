import Foundation
import Hummingbird
import LivretModel
import LivretPipeline
import LivretScan
import NIOCore

extension WebPages {
    /// A refused stub in plain French for the secrétariat: what was found and what to do (a
    /// sentence starting in lower case). What comes from the file (the QR code's INE, UAI,
    /// version) is escaped; no mark is ever part of it. `names`: pupil names by INE (the other pupil of a wrong stub).
    static func words(refusal: StubRecorder.Refusal, names: [String: PupilName]) -> String {
        func shown(_ text: String) -> String { MessageText.escaped(text.count > 40 ? String(text.prefix(40)) + "…" : text) }
        func pupil(_ ine: String) -> String { names[ine].map { "\($0.nom) (INE \(ine))" } ?? "INE \(shown(ine))" }
        let rescan = "numérisez à nouveau le talon signé, en entier, à 200 ppp au moins"
        return switch refusal {
        case .notAnINE(let ine):
            "« \(shown(ine)) » n’est pas un INE."
        case .notAScan:
            "ce fichier n’est ni un PDF, ni une image PNG ou JPEG : déposez le fichier produit par le scanner (PDF, PNG ou JPEG)."
        case .tooLarge(let bytes):
            "le fichier fait \(words(bytes: bytes)), plus que les \(ScanReader.maximumBytes / 1_000_000) Mo permis : numérisez en niveaux de gris à 200 ou 300 ppp, ou enregistrez en JPEG."
        case .tooManyPixels:
            "l’image est trop grande (plus de \(ScanReader.maximumPixels / 1_000_000) millions de pixels) : numérisez à 200 ou 300 ppp, pas davantage."
        case .unreadable:
            // The decoder's message (English, technical) stays in the API's answer and the CLI's.
            "le fichier est abîmé ou incomplet et ne peut pas être lu : \(rescan)."
        case .noQRCode:
            "aucun QR code lisible sur ce scan : \(rescan), QR code compris, bien à plat et sans pli, puis déposez-le de nouveau."
        case .notAReceiptCode:
            "le QR code lu n’est pas celui d’un récépissé de livret : vérifiez que vous avez numérisé le talon du récépissé, et non une autre page."
        case .otherPupil(let read, let expected):
            "le QR code lu désigne l’élève \(pupil(read)) et non \(pupil(expected)) : ce talon est celui d’un autre élève ; déposez-le sur la page de cet élève."
        case .otherSchool(let read, let expected):
            "ce talon a été émis par l’établissement \(shown(read)) et non par le vôtre (\(expected)) : il ne peut pas être enregistré ici."
        case .unknownVersion(let version, let annee, _):
            "le QR code désigne la version \(shown(version)) du livret \(shown(annee)), qui n’est pas archivée pour cet élève : ce talon ne correspond à aucun livret remis."
        case .digestMismatch(_, _, _, let version):
            "le QR code désigne la version \(shown(version)) du livret, mais l’empreinte qu’il porte n’est pas celle du livret archivé : ce talon ne vient pas d’un récépissé émis par ce service."
        case .notHandedOver(let read, let expected, let lastReceipt):
            lastReceipt
                ? "ce talon est celui d’un récépissé plus ancien (version \(shown(read))) : le dernier récépissé remis porte sur la version \(expected) ; faites signer ce récépissé-là."
                : "ce talon désigne la version \(shown(read)), mais le livret actuel est la version \(expected) : faites signer le récépissé du livret actuel."
        }
    }
}

extension WebPages {
    /// `/eleves/:ine/talons/:n?annee=`: an archived stub's scan opened from the pupil's page
    /// (chef, secrétariat), through the service's own read, journaled before it is sent.
    func addStubRoutes(to router: RouterGroup<LivretRequestContext>) {
        router.get("/eleves/:ine/talons/:n") { [self] request, context -> Response in
            let signed = try await require(.readStub, request, context)
            let ine = try context.parameters.require("ine")
            let read: (data: Data, stub: ArchivedStub)
            do {
                read = try await services.readStub(
                    ine: ine, number: try context.parameters.require("n"), year: request.uri.queryParameters.get("annee"),
                    principal: signed.principal, address: context.address, request: LivretServices.requestLine(request))
            } catch let problem as Problem where problem.status == .badRequest {
                throw WebError.page(.notFound, "Page introuvable", "Il n’y a rien à cette adresse, ou rien que vous puissiez voir.")
            }
            var headers = Self.securityHeaders
            headers[.contentType] = read.stub.contentType
            headers[.contentDisposition] = "attachment; filename=\"talon-\(ine)-\(read.stub.annee)-\(read.stub.number).\(read.stub.fileExtension)\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: read.data)))
        }
    }

    /// The pupil page's rows of archived stubs, with their links.
    static func stubRows(_ stubs: [ArchivedStub], ine: String) -> [PupilPage.Stub] {
        stubs.reversed().map { stub in
            PupilPage.Stub(
                numero: stub.number, annee: stub.annee, date: words(time: stub.created), version: stub.version,
                format: stub.fileExtension == "jpg" ? "JPEG" : stub.fileExtension.uppercased(),
                lien: "/eleves/\(ine)/talons/\(stub.number)?annee=\(stub.annee)")
        }
    }
}
