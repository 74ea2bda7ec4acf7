import LivretModel

/// The date rule of the canonical document (`YYYY-MM-DD`, a real day), shared by the readers.
enum LivretDocumentDates {
    static func isDate(_ text: String) -> Bool { LivretDocument.isDate(text) }
}
