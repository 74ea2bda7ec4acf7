/// One element of a parsed XML file, as plain Swift values: what the readers walk.
public struct XMLTreeNode: Sendable {
    public struct Attribute: Sendable {
        public var name: String
        public var value: String
    }

    public var name: String
    public var namespace: String?
    public var attributes: [Attribute]
    /// The text directly inside the element (nil when there is none); not trimmed.
    public var text: String?
    public var line: Int
    public var children: [XMLTreeNode]

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public func child(_ name: String) -> XMLTreeNode? {
        children.first { $0.name == name }
    }

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
