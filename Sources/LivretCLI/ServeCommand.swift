import ArgumentParser
import Foundation
import LivretModel
import LivretServer
import LivretSign
import Logging

/// `livret serve`: the HTTP service over the archive home (LivretServer does the work).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the archive over HTTP: the API, with users, roles, and every consultation journaled.",
        discussion: """
            Serves the archive home (--archive, else $LIVRET_ARCHIVE, else ./Archive) and the users \
            recorded there (`livret users add`). --config FILE is a JSON file with the same settings \
            (archive, host, port, layouts, fonts, keys, nomenclature, maxExchangeFileBytes, \
            maxScanBytes, requestTimeoutSeconds, verifyPerMinute, blockingWidth); options given on \
            the command line win. Listens on 127.0.0.1:8080 by default: put a reverse proxy with TLS \
            in front of it to serve beyond the machine. SIGTERM or SIGINT stops it after the \
            requests in flight; print runs still running are marked failed (interrupted). \
            The API is described at /openapi.json; /healthz and POST /api/verify need no token.
            """)

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?

    @Option(name: .long, help: ArgumentHelp("A configuration file (JSON).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: "The address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "The port (default 8080; 0: any free port, printed on standard output).")
    var port: Int?

    @Option(name: .long, help: "The keys folder (default: $LIVRET_KEYS, else Keys/ beside the archive home).")
    var keys: String?

    @Option(help: ArgumentHelp("The folder of layout files (default: $LIVRET_LAYOUTS, else Layouts/ found beside the program).", valueName: "dir"))
    var layouts: String?

    @Option(help: ArgumentHelp("The folder of fonts (default: $LIVRET_FONTS, else Fonts/ found beside the program).", valueName: "dir"))
    var fonts: String?

    @Option(help: "The LSL nomenclature, for imports (default: $LIVRET_NOMENCLATURE, else Nomenclature/ found beside the program).")
    var nomenclature: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (default info).")
    var logLevel: String = "info"

    func run() async throws {
        var configuration: ServerConfiguration
        if let config {
            let data = try readInput(config)
            do {
                configuration = try JSONDecoder().decode(ServerConfiguration.self, from: data)
            } catch {
                printError("livret serve: --config \(config): \(error)")
                throw ExitCode(LivretExit.refused)
            }
            if let archive { configuration.archive = archive }
        } else {
            configuration = ServerConfiguration(archive: ArchiveOptions.home(archive).path)
        }
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
            configuration.port = port
        }
        configuration.keys = KeysFolder.defaultURL(keysOption: keys ?? configuration.keys, archiveHome: configuration.home).path
        if let resources = try? LayoutOptions.resources(layouts: layouts ?? configuration.layouts, fonts: fonts ?? configuration.fonts) {
            configuration.layouts = resources.layouts.path
            configuration.fonts = resources.fonts.path
        }
        if let found = NomenclatureLocator.locate(nomenclature ?? configuration.nomenclature) {
            configuration.nomenclature = found.path
            configuration.matieres = configuration.matieres ?? NomenclatureLocator.matieres(besides: found)?.path
        }
        configuration.programVersion = "livret \(LivretCommand.version)"
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level \(logLevel) is not a level.") }
        var logger = Logger(label: "livret.server")
        logger.logLevel = level
        let (host, anyPort) = (configuration.host, configuration.port == 0)
        let app = try await buildApplication(configuration: configuration, logger: logger) { port in
            if anyPort {
                try? writeStandardOutput("listening on http://\(host):\(port)\n")
                try? FileIO.flushStandardOutput()
            }
        }
        try await app.runService()
    }
}
