import Foundation
import LivretLayout
import Mustache

/// The pages' templates (`Templates/*.mustache`, swift-mustache, HTML-escaped by default), loaded
/// once when the server starts, and the folder of the stylesheet and the script (`Public/`).
public struct WebTemplates: Sendable {
    /// The loaded templates.
    let library: MustacheLibrary
    /// The folder of the templates.
    public let directory: URL
    /// The folder of the stylesheet and the script.
    public let publicDirectory: URL

    /// Why the templates could not be loaded or a page rendered.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, naming the template.
        public var description: String
    }

    /// Loads the templates of `directory` (each `NAME.mustache` under its name) and remembers `publicDirectory`.
    public init(directory: URL, publicDirectory: URL) throws {
        var library = MustacheLibrary()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in names.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw Failure(description: "\(url.path): cannot be read as UTF-8 text")
            }
            do {
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw Failure(description: "\(url.path):\(error.context.lineNumber):\(error.context.columnNumber): \(error.error)")
            }
        }
        self.library = library
        self.directory = directory
        self.publicDirectory = publicDirectory
        for name in Self.pageTemplates where library.getTemplate(named: name) == nil {
            throw Failure(description: "\(directory.path) has no \(name).mustache")
        }
    }

    /// The templates the pages need.
    static let pageTemplates = [
        SignInPage.template, ErrorPage.template, DashboardPage.template, ImportPage.template, NewPrintRunPage.template,
        PrintRunPage.template, PupilsPage.template, PupilPage.template, JuryPackagesPage.template, UsersPage.template,
        JuryCandidatesPage.template, FamilyPage.template, ArchivistPage.template, VerifyPage.template,
    ]

    /// Finds `Templates/` and `Public/` as the other resource folders are found: `$LIVRET_TEMPLATES` and
    /// `$LIVRET_PUBLIC`, else beside the program, else in the current directory.
    public static func locate(_ locator: ResourceLocator) throws -> (templates: URL, public: URL) {
        let templates = try locator.directory(named: "Templates", containing: "page.mustache", explicit: nil, environmentVariable: "LIVRET_TEMPLATES")
        let publicDirectory = try locator.directory(named: "Public", containing: "livret.css", explicit: nil, environmentVariable: "LIVRET_PUBLIC")
        return (templates, publicDirectory)
    }

    /// The HTML of `page`.
    public func render<Page: WebPage>(_ page: Page) throws -> String {
        guard let html = library.render(page, withTemplate: Page.template) else {
            throw Failure(description: "no template \(Page.template).mustache in \(directory.path)")
        }
        return html
    }
}
