import Logging
import LivretModel

/// The CLI's log handler: `StreamLogHandler.standardError` with every message, metadata value
/// and error text passed through `MessageText.escaped`, so that an archive warning quoting a
/// hostile file name or value cannot drive the terminal (ESC, C1 controls, bidi overrides).
struct EscapingLogHandler: LogHandler {
    /// The handler that formats and writes the escaped events.
    var inner: LogHandler

    /// A handler writing to standard error, as the CLI bootstraps it for every logger.
    static func standardError(label: String) -> EscapingLogHandler {
        EscapingLogHandler(inner: StreamLogHandler.standardError(label: label))
    }

    /// Bootstraps the logging system with this handler; called once, by the CLI's entry point.
    static func bootstrap() {
        LoggingSystem.bootstrap { label in standardError(label: label) }
    }

    /// `value` with every string it holds escaped.
    static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(MessageText.escaped(text))
        case .stringConvertible(let convertible): .string(MessageText.escaped(convertible.description))
        case .dictionary(let dictionary): .dictionary(escaped(dictionary))
        case .array(let array): .array(array.map(escaped))
        }
    }

    /// `metadata` with every key and value escaped.
    static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata { result[MessageText.escaped(key)] = escaped(value) }
        return result
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: MessageText.escaped(event.message.description))
        var metadata = event.metadata.map(Self.escaped) ?? [:]
        if let error = event.error {
            metadata["error.message"] = .string(MessageText.escaped("\(error)"))
            metadata["error.type"] = .string(MessageText.escaped(String(reflecting: type(of: error))))
            event.error = nil
        }
        event.metadata = metadata.isEmpty ? nil : metadata
        inner.log(event: event)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: MessageText.escaped(key)] = newValue.map(Self.escaped) }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = Self.escaped(newValue) }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
}
