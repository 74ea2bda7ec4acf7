import LivretModel
/// Pages being filled from top to bottom: the drawing primitives of the layout stage.
/// One per livret layout task; not `Sendable`.
final class LayoutCanvas {
    let spec: LayoutSpec
    let typesetter: Typesetter
    private(set) var pages: [[PageItem]] = []
    private(set) var items: [PageItem] = []
    /// Top of the free space on the current page.
    var y: Double
    /// The body of a page: below the identity header, above the footer.
    let bodyTop: Double
    let bodyBottom: Double
    let left: Double
    let right: Double
    /// Drawn at the top of the body of each new page the flow opens (a repeated table header).
    var continuation: (() -> Void)?
    /// Semantic elements open (see `begin`): text drawn when none is open is a paragraph of its own.
    private(set) var openElements = 0

    init(spec: LayoutSpec, typesetter: Typesetter, bodyTop: Double, bodyBottom: Double) {
        self.spec = spec
        self.typesetter = typesetter
        self.bodyTop = bodyTop
        self.bodyBottom = bodyBottom
        self.left = spec.page.margins.left
        self.right = spec.page.width - spec.page.margins.right
        self.y = bodyTop
    }

    var width: Double { right - left }
    var bodyHeight: Double { bodyBottom - bodyTop }
    var remaining: Double { bodyBottom - y }
    var pageIsEmpty: Bool { y <= bodyTop + 0.01 }
    var pageCount: Int { pages.count }

    func newPage() {
        pages.append(items)
        items = []
        y = bodyTop
        continuation?()
    }

    /// Opens a new page unless `height` fits below the current position.
    func reserve(_ height: Double) {
        if height > remaining + 1e-6 && !pageIsEmpty { newPage() }
    }

    /// Where the canvas stands, to measure by drawing and then take the drawing back.
    func snapshot() -> (items: Int, y: Double, open: Int) { (items.count, y, openElements) }

    func restore(_ snapshot: (items: Int, y: Double, open: Int)) {
        items.removeLast(items.count - snapshot.items)
        y = snapshot.y
        openElements = snapshot.open
    }

    // MARK: semantics

    /// Opens a semantic element: what is drawn until the matching `end()` belongs to it.
    func begin(_ role: SemanticRole) {
        items.append(.structure(.begin(role)))
        openElements += 1
    }

    func end() {
        precondition(openElements > 0, "LayoutCanvas.end() without begin()")
        items.append(.structure(.end))
        openElements -= 1
    }

    /// `body` drawn as one element.
    func element<T, E: Error>(_ role: SemanticRole, _ body: () throws(E) -> T) throws(E) -> T {
        begin(role)
        defer { end() }
        return try body()
    }

    func finish() -> [[PageItem]] {
        if !items.isEmpty || pages.isEmpty { pages.append(items) }
        items = []
        return pages
    }

    // MARK: drawing

    var gridColor: Color { Color(spec.colors.grid) }
    var accent: Color { Color(spec.colors.accent) }
    var muted: Color { Color(spec.colors.muted) }

    func fill(x: Double, y: Double, width: Double, height: Double, color: Color) {
        items.append(.fill(x: x, y: y, width: width, height: height, color: color))
    }

    func hline(_ x1: Double, _ x2: Double, at y: Double, width: Double? = nil, color: Color? = nil) {
        items.append(.rule(x1: x1, y1: y, x2: x2, y2: y, width: width ?? spec.sizes.gridWidth, color: color ?? gridColor))
    }

    func vline(at x: Double, _ y1: Double, _ y2: Double, width: Double? = nil, color: Color? = nil) {
        items.append(.rule(x1: x, y1: y1, x2: x, y2: y2, width: width ?? spec.sizes.gridWidth, color: color ?? gridColor))
    }

    func frame(x: Double, y: Double, width: Double, height: Double, lineWidth: Double? = nil, color: Color? = nil) {
        hline(x, x + width, at: y, width: lineWidth, color: color)
        hline(x, x + width, at: y + height, width: lineWidth, color: color)
        vline(at: x, y, y + height, width: lineWidth, color: color)
        vline(at: x + width, y, y + height, width: lineWidth, color: color)
    }

    enum Alignment { case left, center, right }

    /// Draws fitted lines with their first line box at `top`.
    /// Outside any semantic element, the lines are a paragraph of their own.
    func draw(_ fitted: Typesetter.Fitted, x: Double, top: Double, width: Double, align: Alignment = .left, color: Color = .black) {
        let paragraph = openElements == 0
        if paragraph { begin(.paragraph) }
        defer { if paragraph { end() } }
        for (index, line) in fitted.lines.enumerated() {
            let lineWidth = line.width * fitted.size
            let originX: Double = switch align {
            case .left: x
            case .center: x + (width - lineWidth) / 2
            case .right: x + width - lineWidth
            }
            let baseline = top + Double(index) * fitted.lineHeight + fitted.size * 0.93
            items.append(.text(typesetter.run(line, style: fitted.style, size: fitted.size, x: originX, baseline: baseline, color: color)))
        }
    }

    /// Sets a label that must fit (layout-owned text); a failure is a defect of the layout file.
    func fitLabel(_ text: String, style: FontStyle, size: Double, width: Double, maxHeight: Double = .infinity) throws(LayoutError) -> Typesetter.Fitted {
        switch typesetter.fit(text, style: style, size: size, minimum: spec.sizes.minimum, width: width, maxHeight: maxHeight) {
        case .success(let fitted): return fitted
        case .failure(let failure):
            throw .layoutFile(file: spec.id, message: "the label \(MessageText.quoted(text)) does not fit its place: \(failure)")
        }
    }
}

enum FrenchDate {
    /// `2016-06-13` → `13/06/2016`; anything else is returned as is.
    static func format(_ iso: String?) -> String? {
        guard let iso else { return nil }
        let parts = iso.split(separator: "-")
        guard parts.count == 3 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }
}
