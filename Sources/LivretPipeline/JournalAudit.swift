import Foundation
import LivretArchive
import LivretModel
import LivretSign
import X509

/// `journal verify` as a library call: the live chain, a witness head (unsigned `SEQ:SHA256`, or
/// signed ``SignedJournalHead`` checked against the lycée's certificates), and the copies sealed
/// into the lycée objects of the archive (each one a witness too: it must be a prefix of the live
/// journal).
public enum JournalAudit {
    /// What the audit found.
    public struct Report: Sendable, Equatable {
        /// Entries in the live journal.
        public var count: Int
        /// Its head, when the chain is intact.
        public var head: Journal.Head?
        /// Sealed copies compared (`urn:lsl:uai:… vN`, entries).
        public var sealed: [String]
        /// The signer of a signed witness, when one was checked.
        public var witnessSigner: String?
        /// Every problem found, in words; empty when intact.
        public var problems: [String]
    }

    /// Why the audit could not be made: a witness that does not read (naming its part).
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        /// The message.
        public var description: String
    }

    /// Checks the journal of the archive home `home`: its chain; `witness` (unsigned or signed,
    /// nil: none) against it, a signed one first against `trusted` (plus the certificates archived
    /// in the lycée objects); and every sealed copy of `archive` (nil: none compared).
    public static func verify(home: URL, witness: String?, trusted: [Certificate], archive: Archive?) throws -> Report {
        let journal = Journal(home: home)
        var problems: [String] = []
        var head: Journal.Head?
        var signer: String?
        if let witness {
            let text = witness.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix(SignedJournalHead.tag + ":") {
                guard let signed = SignedJournalHead(text) else {
                    throw Malformed(description: "the witness is not a signed head: \(SignedJournalHead.problem(text) ?? "unreadable")")
                }
                var certificates = trusted
                if let archive { certificates += (try? LyceeObject.certificates(in: archive)) ?? [] }
                switch signed.verify(trusted: certificates) {
                case .valid(let name): signer = name
                case .badSignature:
                    problems.append("the witness's signature is not the lycée's (forged, altered, or signed by a key not trusted here)")
                case .certificateNotValid(let reason), .otherUAI(let reason):
                    problems.append("the witness's signature: \(reason)")
                }
                head = Journal.Head("\(signed.seq):\(signed.sha256)")
            } else {
                guard let parsed = Journal.Head(text) else {
                    throw Malformed(description: "the witness is neither SEQ:SHA256 (64 hex digits) nor a signed head LSLJ1:UAI:SEQ:SHA256:TIME:SIGNATURE")
                }
                head = parsed
            }
        }
        let report = try journal.verify(witness: head)
        if let problem = report.problem { problems.append(problem) }
        var sealed: [String] = []
        if let archive {
            for copy in try LyceeObject.sealedJournals(in: archive) {
                let name = "\(copy.object) \(copy.version)"
                let entries = copy.data.split(separator: 10, omittingEmptySubsequences: true).count
                sealed.append("\(name) (\(entries) entries)")
                if let problem = try journal.compare(sealed: copy.data, name: name) { problems.append(problem) }
            }
        }
        return Report(count: report.count, head: report.head, sealed: sealed, witnessSigner: signer, problems: problems)
    }
}
