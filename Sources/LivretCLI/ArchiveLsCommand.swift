import ArgumentParser
import Foundation
import LivretArchive
import LivretModel
import LivretJury

struct ArchiveLsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the archived objects (through the index), with filters.")

    @OptionGroup var options: ArchiveOptions

    @Option(help: "Only pupils in this division (any school year, or the --year given).")
    var division: String?

    @Option(help: "Only pupils with this school year (2015-2016 or 2015).")
    var year: String?

    @Option(help: "Only this pupil.")
    var ine: String?

    @Option(help: "Only pupils whose livret was received from this lycée in a jury package (a centre's archive).")
    var uai: String?

    @Option(help: "Only pupils whose livret was received in a jury package of this session (YYYY-MM).")
    var session: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let archive = try options.open()
        var objects = try archiveCall { try archive.list(ObjectFilter(division: division, year: year, ine: ine.map(ineArgument))) }
        if uai != nil || session != nil {
            let received = try archiveCall { try JuryIngest.received(in: archive, uai: uai, session: session) }
            objects = objects.filter { $0.ine.map(received.contains) ?? false }
        }
        if json {
            print(String(decoding: try CanonicalJSON.encoder().encode(objects), as: UTF8.self))
            return
        }
        var out = ""
        for object in objects {
            // Tab-separated fields, each escaped (an object written by another program may hold anything).
            let years = object.scolarites.map { "\($0.year):\($0.division ?? "?")" }.joined(separator: ",")
            out += [object.ine ?? object.id, object.head, object.updated, years.isEmpty ? "-" : years]
                .map { MessageText.escaped($0) }.joined(separator: "\t") + "\n"
        }
        try writeStandardOutput(out)
    }
}
