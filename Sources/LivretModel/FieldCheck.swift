import Foundation

/// Finds the fields of a JSON document that the canonical livret document does not have: a
/// misspelt `appreciaton` would otherwise vanish from the livret without a word.
///
/// The known fields come from the document type itself: `sample` sets every optional field and
/// one element in every array, and its JSON encoding is the tree of every field name
/// (`FieldCheckTests` checks that no optional field of the sample is left nil). The input is
/// then walked with JSONDecoder's containers, reading keys only, never building values.
enum FieldCheck {
    final class Node: Sendable {
        let fields: [String: Node]
        let element: Node?

        init(_ json: Any) {
            if let object = json as? [String: Any] {
                fields = object.mapValues { Node($0) }
                element = nil
            } else if let array = json as? [Any], let first = array.first {
                fields = [:]
                element = Node(first)
            } else {
                fields = [:]
                element = nil
            }
        }

        var isObject: Bool { !fields.isEmpty }
    }

    static let root: Node = Node(try! JSONSerialization.jsonObject(with: LivretDocument.sample.encoded()))

    static func unknownFields(in data: Data) -> [DocumentError.Problem] {
        let collector = Collector()
        let decoder = JSONDecoder()
        decoder.userInfo[Collector.key] = collector
        _ = try? decoder.decode(Walker.self, from: data)
        return collector.problems
    }

    /// `@unchecked Sendable`: written by one decode on one thread, read after it returns.
    final class Collector: @unchecked Sendable {
        static let key = CodingUserInfoKey(rawValue: "livret.fieldCheck")!
        var problems: [DocumentError.Problem] = []
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Walker: Decodable {
        init(from decoder: any Decoder) throws {
            guard let collector = decoder.userInfo[Collector.key] as? Collector else { return }
            Walker.walk(decoder, FieldCheck.root, path: "", collector)
        }

        static func walk(_ decoder: any Decoder, _ node: Node, path: String, _ collector: Collector) {
            if node.isObject, let container = try? decoder.container(keyedBy: AnyKey.self) {
                for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                    let field = path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
                    if (try? container.decodeNil(forKey: key)) == true { continue }
                    guard let child = node.fields[key.stringValue] else {
                        collector.problems.append(.init(field: field, message: "is not a field of the livret document (misspelt?)"))
                        continue
                    }
                    if child.isObject || child.element != nil, let nested = try? container.superDecoder(forKey: key) {
                        walk(nested, child, path: field, collector)
                    }
                }
            } else if let element = node.element, var container = try? decoder.unkeyedContainer() {
                var index = 0
                while !container.isAtEnd {
                    guard let nested = try? container.superDecoder() else { break }
                    if element.isObject || element.element != nil { walk(nested, element, path: "\(path)[\(index)]", collector) }
                    index += 1
                }
            }
        }
    }
}

extension LivretDocument {
    /// A document in which every optional field is set and every array has an element: the
    /// reference for the field names (`FieldCheck`).
    static let sample: LivretDocument = {
        let avis = Avis(texte: "t", nom: "n", prenom: "p", date: "2000-01-01")
        let personne = Personne(civilite: "M.", nom: "n", prenom: "p")
        let evaluation = Evaluation(
            codeMatiere: "000000", modalite: .tronCommun, libelle: "l", regroupement: "r", evaluationChiffree: true,
            periodes: [Periode(numero: 1, moyenne: Decimal2(10))],
            groupe: GroupBlock(
                effectif: 1, moyenne: Decimal2(10),
                repartition: Repartition(moinsDeHuit: Decimal2(0), huitADouze: Decimal2(100), douzeEtPlus: Decimal2(0)), source: .import),
            competences: [Competence(code: "0000", libelle: "l", niveau: "1")], appreciation: "a", enseignants: [personne],
            date: "2000-01-01")
        return LivretDocument(
            modele: "m", dateDocument: "2000-01-01",
            etablissement: Etablissement(
                uai: "u", nom: "n", adresse: "a", codePostal: "c", commune: "c", academie: "a", chefEtablissement: personne),
            eleve: Eleve(
                ine: "i", nom: "n", prenoms: "p", dateNaissance: "2000-01-01", division: "d", mef: "m", mefLibelle: "m",
                serie: "s", serieLibelle: "s", voie: .generale, eleveId: "e"),
            scolarites: [Scolarite(
                anneeScolaire: 2000, niveau: .premiere, division: "d", mef: "m", codePeriode: .trimestres, evaluations: [evaluation],
                avisEngagement: avis, avisInvestissement: avis, avisChefEtablissement: avis)],
            engagements: Engagements(codes: [.delegueClasse], autre: "a"),
            avisExamen: AvisExamen(code: .favorable, serie: StatistiquesSerie(
                effectif: 1, tresFavorable: Decimal2(0), favorable: Decimal2(100), assezFavorable: Decimal2(0),
                doitFaireSesPreuves: Decimal2(0))),
            visaChefEtablissement: avis)
    }()
}
