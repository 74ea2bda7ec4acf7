import ArgumentParser
import Foundation
import LivretModel
import LivretServer

/// `livret users …`: the users of the service and their roles.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list and revoke the users of `livret serve` (bearer tokens, roles).",
        discussion: """
            Users are kept in users.sqlite in the archive home, with the SHA-256 of their token \
            only: the token is printed once, by `users add`, and cannot be shown again (revoke the \
            user and add a new one). Roles: chef and secretariat (everything), enseignant (reads \
            the livrets of --division), cpe (reads every livret), jury (reads the candidates of \
            jury packages sent to --centre for --session, from --from to --until), famille (reads \
            --ine), archiviste (journal, jury packages, verification).
            """,
        subcommands: [UsersAddCommand.self, UsersLsCommand.self, UsersRevokeCommand.self])
}

struct UsersAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user; print their token (once, alone on standard output).")

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?
    @Option(help: "chef, secretariat, enseignant, cpe, jury, famille or archiviste.") var role: String
    @Option(help: "The user's name.") var name: String
    @Option(help: "An enseignant's division (repeatable).") var division: [String] = []
    @Option(help: "A jury member's deliberation centre.") var centre: String?
    @Option(help: "A jury member's session (YYYY-MM).") var session: String?
    @Option(help: "A jury member's first day of access (YYYY-MM-DD).") var from: String?
    @Option(help: "A jury member's last day of access (YYYY-MM-DD).") var until: String?
    @Option(help: "A famille's child (INE; repeatable).") var ine: [String] = []

    func run() throws {
        guard let role = Role(rawValue: role) else {
            printError("livret users add: --role \(MessageText.quoted(role)) is none of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            throw ExitCode(LivretExit.usage)
        }
        let scope = Scope(divisions: division, centre: centre, session: session, from: from, until: until, ines: ine.map(ineArgument))
        do {
            let store = try UserStore(home: ArchiveOptions.home(archive))
            let (user, token) = try store.add(name: name, role: role, scope: scope)
            printError("livret users add: user #\(user.id ?? 0) \(user.name) (\(role.rawValue)) added; their token follows, shown only this once")
            try writeStandardOutput(token + "\n")
        } catch let error as UserStoreError {
            printError("livret users add: \(error)")
            throw ExitCode(LivretExit.refused)
        }
    }
}

struct UsersLsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the users (never their tokens).")

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?
    @Flag(help: "Print the users as a JSON array.") var json = false

    func run() throws {
        let users = try UserStore(home: ArchiveOptions.home(archive)).list()
        if json {
            struct Item: Encodable {
                var id: Int64
                var name: String
                var role: Role
                var scope: Scope
                var created: String
                var revoked: String?
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let items = users.map { Item(id: $0.id ?? 0, name: $0.name, role: $0.role, scope: $0.scope, created: $0.created, revoked: $0.revoked) }
            try writeStandardOutput(String(decoding: try encoder.encode(items), as: UTF8.self) + "\n")
            return
        }
        var lines: [String] = []
        for user in users {
            var scope: [String] = []
            if !user.scope.divisions.isEmpty { scope.append("divisions " + user.scope.divisions.joined(separator: ",")) }
            if let centre = user.scope.centre { scope.append("centre \(centre)") }
            if let session = user.scope.session { scope.append("session \(session)") }
            if let from = user.scope.from, let until = user.scope.until { scope.append("\(from)..\(until)") }
            if !user.scope.ines.isEmpty { scope.append("INE " + user.scope.ines.joined(separator: ",")) }
            lines.append([
                "#\(user.id ?? 0)", user.role.rawValue, MessageText.escaped(user.name), scope.isEmpty ? "-" : scope.joined(separator: " "),
                user.revoked.map { "revoked \($0)" } ?? "active",
            ].joined(separator: "  "))
        }
        try writeStandardOutput(lines.map { $0 + "\n" }.joined())
    }
}

struct UsersRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a user (their token stops working at once).")

    @Option(name: .long, help: "The archive home (default: $LIVRET_ARCHIVE, else ./Archive).")
    var archive: String?
    @Argument(help: "The user's number (#N in `users ls`) or name.") var user: String

    func run() throws {
        do {
            let revoked = try UserStore(home: ArchiveOptions.home(archive)).revoke(user)
            try writeStandardOutput("user #\(revoked.id ?? 0) \(MessageText.escaped(revoked.name)) revoked\n")
        } catch let error as UserStoreError {
            printError("livret users revoke: \(error)")
            throw ExitCode(LivretExit.refused)
        }
    }
}
