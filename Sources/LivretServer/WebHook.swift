import Hummingbird

/// Where the web pages of issue 15 (`Web/`, `Templates/`, `Public/`) join the router: the web
/// pages' code replaces this body (it is the only line of the service that names them).
func addWebPages(to router: Router<LivretRequestContext>, services: LivretServices) { WebPages.mount(on: router, services: services) }
