import Foundation
import LivretModel

/// An exclusive lock on a print run's output folder: `flock(2)` on `.print-run.lock` in it. A
/// second print run into the same folder (another process, or another task of this one) is
/// refused while the first holds it; the kernel releases the lock when the holder exits, even
/// killed, so a crash never leaves the folder locked. The lock file itself stays (removing it
/// would let two runs lock two different files).
public final class OutputLock: Sendable {
    /// The lock file's name, in the output folder.
    public static let fileName = ".print-run.lock"

    private let descriptor: Int32

    /// Takes the lock, or throws `.busy` at once when another run holds it.
    /// - Parameter directory: the output folder (it must exist).
    public init(directory: URL) throws(PipelineError) {
        let path = directory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .io(IOError.current(.create, path: path)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw .busy(path: directory.path) }
            throw .io(IOError(.lock, path: path, errno: code))
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
