import ArgumentParser
import Foundation
import LivretArchive
import LivretModel

/// The library path the print run uses (one process, many puts), for the benchmark and for bulk loads.
struct ArchivePutManyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-many",
        abstract: "Put many pupils' files from a list (one process, as the print run does).",
        discussion: "Each line of the list: INE<TAB>LOGICAL_PATH<TAB>FILE; lines of one INE make one version.",
        shouldDisplay: false)

    @OptionGroup var options: ArchiveOptions

    @Option(name: .customLong("from-list"), help: "The list file.")
    var list: String

    @Option(help: "Why these versions are made.")
    var message: String = "Livret archivé"

    @Option(help: "Parallel writers (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let text = String(decoding: try readInput(list), as: UTF8.self)
        var order: [String] = []
        var groups: [String: [ArchiveFile]] = [:]
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else {
                printError("\(list):\(number + 1): expected INE<TAB>LOGICAL_PATH<TAB>FILE")
                throw ExitCode(LivretExit.usage)
            }
            if groups[fields[0]] == nil { order.append(fields[0]) }
            groups[fields[0], default: []].append(ArchiveFile(logicalPath: fields[1], contentsOf: URL(fileURLWithPath: fields[2])))
        }
        let archive = try options.open()
        let work = order.map { ($0, groups[$0]!) }
        let message = self.message
        let failed = Parallel.map(work, width: jobs) { item -> Bool in
            let (ine, files) = item
            do {
                _ = try archive.put(ine: ine, files: files, message: message)
                return false
            } catch {
                printError("livret archive put-many: \(ine): \(error)")
                return true
            }
        }
        let failures = failed.filter { $0 }.count
        print("put-many: \(work.count) object(s), \(failures) failure(s)")
        if failures > 0 { throw ExitCode(LivretExit.refused) }
    }
}
