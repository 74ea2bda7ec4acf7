import Foundation
import LivretLayout
import LivretModel
import LivretPDF
import LivretSign

/// Why the pipeline stopped. A caller maps each case to its own terms: the command line to exit
/// codes (refused and layout: 1, pdf: 70, io: 74), a server to HTTP statuses.
public enum PipelineError: Error, Sendable, CustomStringConvertible {
    /// The input was refused (a dataset, a list, an option's value): nothing was written.
    case refused(String)
    /// A layout name (a document's `modele`, or the layout asked for) is not a plain name of a
    /// file in the layouts folder. `source` names the document, nil for the layout asked for.
    case layoutName(name: String, source: String?, reason: String)
    /// The document is not valid (every problem names its field).
    case document(DocumentError)
    /// Layout files, fonts, or text that cannot fit.
    case layout(LayoutError)
    /// cairo or FreeType failed while drawing.
    case pdf(PDFError)
    /// A file or folder could not be read or written (the one I/O error shape of LivretModel).
    case io(IOError)
    /// The output folder is in use by another print run.
    case busy(path: String)
    /// A livret could not be signed, or no signing key was present when one was required.
    case signing(SignError)

    /// The message, naming the file, document or field concerned.
    public var description: String {
        switch self {
        case .refused(let message): message
        case .layoutName(let name, let source, let reason):
            if let source { "\(source): modele: '\(Self.quoted(name))' \(reason)" } else { "layout '\(Self.quoted(name))' \(reason)" }
        case .document(let error): error.problems.map(\.description).joined(separator: "; ")
        case .layout(let error): error.description
        case .pdf(let error): error.description
        case .io(let error): error.description
        case .signing(let error): error.description
        case .busy(let path):
            "\(path) is in use by another print run (its lock is held); wait for it to finish, or choose another output folder"
        }
    }

    /// A name as it may be shown: escaped as every message is (`MessageText.escaped`), cut
    /// after 60 characters.
    static func quoted(_ name: String) -> String {
        let shown = MessageText.escaped(String(String.UnicodeScalarView(name.unicodeScalars.prefix(60))))
        return name.unicodeScalars.count > 60 ? shown + "…" : shown
    }

    /// Any error met while reading or writing `path`, as `.io`: an `IOError` as it is, a
    /// `PipelineError` unchanged, a Foundation or POSIX error by its error number (the domain and
    /// code only; no user info is searched).
    static func io(_ error: any Error, path: String, operation: IOError.Operation = .write) -> PipelineError {
        if let error = error as? PipelineError { return error }
        if let error = error as? IOError { return .io(error) }
        if let posix = error as? POSIXError { return .io(IOError(operation, path: path, errno: posix.code.rawValue)) }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return .io(IOError(operation, path: path, errno: Int32(nsError.code))) }
        return .io(IOError(operation, path: path, errno: EIO, reason: nsError.localizedDescription))
    }
}
