import Foundation
import LivretModel

/// The établissement profile the school writes (`etablissement.json`).
public struct EtablissementProfile: Codable, Sendable {
    public struct Chef: Codable, Sendable {
        public var civilite: String?
        public var nom: String
        public var prenom: String?
    }

    public var uai: String
    public var nom: String
    public var adresse: String?
    public var codePostal: String?
    public var commune: String?
    public var academie: String?
    public var chefEtablissement: Chef?
    public var anneeScolaire: String?

    enum CodingKeys: String, CodingKey {
        case uai, nom, adresse, commune, academie
        case codePostal = "code_postal"
        case chefEtablissement = "chef_etablissement"
        case anneeScolaire = "annee_scolaire"
    }

    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> EtablissementProfile {
        let checked = JSONInputCheck(stringLimit: InputLimits.textCharacters).problems(in: data)
        if !checked.problems.isEmpty {
            throw ImportFailure(errors: checked.problems.map { ImportIssue(.error, file: fileName, field: $0.path, message: $0.message) })
        }
        let profile: EtablissementProfile
        do {
            profile = try JSONDecoder().decode(EtablissementProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, field: key.stringValue, message: "required field is missing")])
        } catch let DecodingError.typeMismatch(_, context) {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, field: context.codingPath.map(\.stringValue).joined(separator: "."), message: "wrong type")])
        } catch {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, message: "not a valid établissement profile (JSON)")])
        }
        if let problem = Identifiers.uaiProblem(profile.uai) {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, field: "uai", message: problem)])
        }
        return profile
    }

    public var etablissement: Etablissement {
        Etablissement(
            uai: uai, nom: nom, adresse: adresse, codePostal: codePostal, commune: commune, academie: academie,
            chefEtablissement: chefEtablissement.map { Personne(civilite: $0.civilite, nom: $0.nom, prenom: $0.prenom) })
    }
}
