import Foundation
import LivretModel

/// Prints a line on standard output with every control character that came from input escaped
/// (`MessageText.escaped`; line feeds stay): ids, logical paths, names, messages of objects
/// written by other programs.
func printSafe(_ text: String) {
    print(MessageText.escaped(text, keepingNewlines: true))
}
