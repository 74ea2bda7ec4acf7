import Foundation
import LivretModel

/// The établissement profile the school writes (`etablissement.json`).
public struct EtablissementProfile: Codable, Sendable {
    /// The head of the lycée, as printed under the visa.
    public struct Chef: Codable, Sendable {
        /// `M.` or `Mme`.
        public var civilite: String?
        /// Surname.
        public var nom: String
        /// First name.
        public var prenom: String?
    }

    /// UAI code (checked, check letter included).
    public var uai: String
    /// The lycée's name.
    public var nom: String
    /// Street address.
    public var adresse: String?
    /// Postal code (`code_postal`).
    public var codePostal: String?
    /// Town.
    public var commune: String?
    /// Académie.
    public var academie: String?
    /// The head of the lycée (`chef_etablissement`).
    public var chefEtablissement: Chef?
    /// The school year the profile is for (`annee_scolaire`), when given.
    public var anneeScolaire: String?

    enum CodingKeys: String, CodingKey {
        case uai, nom, adresse, commune, academie
        case codePostal = "code_postal"
        case chefEtablissement = "chef_etablissement"
        case anneeScolaire = "annee_scolaire"
    }

    /// Reads `etablissement.json`; throws `ImportFailure` naming the field (missing, wrong type, oversize, bad UAI).
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

    /// The profile as the documents' `etablissement` block.
    public var etablissement: Etablissement {
        Etablissement(
            uai: uai, nom: nom, adresse: adresse, codePostal: codePostal, commune: commune, academie: academie,
            chefEtablissement: chefEtablissement.map { Personne(civilite: $0.civilite, nom: $0.nom, prenom: $0.prenom) })
    }
}
