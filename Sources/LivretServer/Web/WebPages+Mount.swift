import Foundation
import Hummingbird
import LivretLayout

extension WebPages {
    /// Mounts the pages on `router` (``addWebPages(to:services:)`` calls it): finds `Templates/`
    /// and `Public/` as the other resource folders are found (`$LIVRET_TEMPLATES`, `$LIVRET_PUBLIC`,
    /// beside the program, the current directory) and loads the templates once. Without them the
    /// API is served alone and the reason is logged.
    static func mount(on router: Router<LivretRequestContext>, services: LivretServices) {
        let locator = ResourceLocator(
            executable: Bundle.main.executableURL, environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        do {
            let folders = try WebTemplates.locate(locator)
            let templates = try WebTemplates(directory: folders.templates, publicDirectory: folders.public)
            WebPages(services: services, templates: templates).addRoutes(to: router)
        } catch {
            services.logger.error("web.pages.unavailable", metadata: ["error": "\(error)"])
        }
    }
}
