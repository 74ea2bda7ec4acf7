import Foundation

/// The file-system rules of key files: a private key is readable by its owner only (0600), and
/// every file of the keys folder is written whole (temporary sibling, fsync, rename) or not at all.
enum PrivateKeyFile {
    /// Refuses a key file that group or others may read (or that is missing).
    static func checkPermissions(_ url: URL) throws(SignError) {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw SignError.posix(url, "cannot read", errno: errno)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SignError(.io, file: url.path, "not a regular file")
        }
        let permissions = status.st_mode & 0o777
        if permissions & 0o044 != 0 {
            throw SignError(.keyPermissions, file: url.path,
                            "the private key is readable by others (mode \(String(permissions, radix: 8))): make it 0600 with `chmod 600 \(url.path)`")
        }
    }

    /// Writes `data` to `url` with mode `mode`, refusing to replace an existing file.
    static func writeNew(_ data: Data, to url: URL, mode: mode_t) throws(SignError) {
        if FileManager.default.fileExists(atPath: url.path) {
            throw SignError(.alreadyExists, file: url.path, "already exists (nothing was written)")
        }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SignError.posix(url, "cannot write", errno: errno) }
        var failure: Int32 = 0
        if fchmod(descriptor, mode) != 0 { failure = errno }   // the umask may have narrowed it; never widened
        let bytes = [UInt8](data)
        var written = 0
        while failure == 0 && written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
            } else {
                written += count
            }
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0 && link(temporary.path, url.path) != 0 { failure = errno }   // link: never over an existing file
        unlink(temporary.path)
        if failure != 0 { throw SignError.posix(url, "cannot write", errno: failure) }
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
