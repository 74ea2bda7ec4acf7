/// One element of a parsed XML file, as plain Swift values: what the readers walk.
public struct XMLTreeNode: Sendable {
    /// An attribute of an element, by local name.
    public struct Attribute: Sendable {
        /// The attribute's local name.
        public var name: String
        /// The attribute's value, entities resolved.
        public var value: String
    }

    /// The element's local name.
    public var name: String
    /// The element's namespace URI, when it has one.
    public var namespace: String?
    /// The attributes, in document order.
    public var attributes: [Attribute]
    /// The text directly inside the element (nil when there is none); not trimmed.
    public var text: String?
    /// The line of the element's start tag.
    public var line: Int
    /// The child elements, in document order.
    public var children: [XMLTreeNode]

    /// The value of attribute `name`, nil when absent.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The first child element named `name`.
    public func child(_ name: String) -> XMLTreeNode? {
        children.first { $0.name == name }
    }

    /// Every child element named `name`, in document order.
    public func children(_ name: String) -> [XMLTreeNode] {
        children.filter { $0.name == name }
    }

    /// The trimmed text of the child `name` (SIECLE pads its values with spaces); nil when absent or blank.
    public func value(_ name: String) -> String? {
        guard let text = child(name)?.text else { return nil }
        let trimmed = text.trimmingSpaces
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
