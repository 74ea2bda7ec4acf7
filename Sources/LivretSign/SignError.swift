import Foundation

/// Why a key, a certificate, a signature or a PDF to sign was refused. The message names the file
/// when there is one, and never contains key material.
public struct SignError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure: the CLI maps ``Code/io`` to its I/O exit code and the rest to "refused".
    public enum Code: Sendable, Equatable {
        /// A file could not be read or written (missing, permission, disk).
        case io
        /// A private key file that group or others may read.
        case keyPermissions
        /// Not a PEM key or certificate we can use (wrong format, wrong algorithm).
        case badKeyOrCertificate
        /// The private key is not the one of the certificate.
        case keyDoesNotMatch
        /// The certificate is expired or not yet valid.
        case certificateNotValidNow
        /// The chain given does not lead from the certificate to its issuers.
        case badChain
        /// The keys folder already holds an identity (nothing is overwritten).
        case alreadyExists
        /// The keys folder holds no identity.
        case noIdentity
        /// The PDF is not one we can sign incrementally (damaged, xref stream, encrypted…).
        case pdf
        /// The signature did not fit in the space reserved for it, or the signer failed.
        case signing
    }

    /// The kind of failure.
    public var code: Code
    /// The file concerned, when there is one.
    public var file: String?
    /// What is wrong, in words a secretary can act on.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, file: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    public var description: String {
        if let file { return "\(file): \(message)" }
        return message
    }
}

extension SignError {
    /// An error of the system call that failed on `file`, with its errno text.
    static func posix(_ file: URL, _ what: String, errno code: Int32) -> SignError {
        SignError(.io, file: file.path, "\(what): \(String(cString: strerror(code)))")
    }
}
