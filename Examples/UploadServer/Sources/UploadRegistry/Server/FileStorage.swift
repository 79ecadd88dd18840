import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Release files under the data directory: `files/<normalized project>/<stored name>`,
/// where the stored name is unique to the upload and kept in the file's record.
///
/// A file is written to `tmp/` and flushed, then renamed into place: an upload cut
/// short (crash, SIGKILL, shutdown) leaves at most a temporary file, never a
/// half-written release file. The record, written last, is what publishes it;
/// two uploads of one file name never touch each other's bytes.
struct FileStorage: Sendable {
    /// The data directory.
    let root: String

    var filesDirectory: String { root + "/files" }
    var temporaryDirectory: String { root + "/tmp" }

    /// Creates the directories.
    func prepare() throws {
        try FileManager.default.createDirectory(atPath: filesDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
    }

    /// Where a stored file lives (names are validated before they get here).
    func path(project normalizedName: String, storedName: String) -> String {
        "\(filesDirectory)/\(normalizedName)/\(storedName)"
    }

    /// Writes `content` for `filename` and returns its stored name.
    func store(_ content: ByteBuffer, project normalizedName: String, filename: String) throws -> String {
        try FileManager.default.createDirectory(atPath: "\(filesDirectory)/\(normalizedName)", withIntermediateDirectories: true)
        let storedName = Self.storedName(for: filename)
        let temporary = "\(temporaryDirectory)/\(storedName).part"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFailure("cannot create a temporary file", errno) }
        do {
            defer { close(descriptor) }
            try content.withUnsafeReadableBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw POSIXFailure("cannot write a temporary file", errno)
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else { throw POSIXFailure("cannot flush a temporary file", errno) }
            guard rename(temporary, path(project: normalizedName, storedName: storedName)) == 0 else {
                throw POSIXFailure("cannot move a release file into place", errno)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        return storedName
    }

    /// A new name unique to one upload of `filename`: a UUID, then as much of the (ASCII, already
    /// validated) file name as fits the file system's 255-byte limit on a name, `.part` included.
    static func storedName(for filename: String) -> String {
        let unique = UUID().uuidString.lowercased() + "-"
        let room = 255 - ".part".utf8.count - unique.utf8.count
        return unique + String(decoding: filename.utf8.prefix(room), as: UTF8.self)
    }

    /// Removes a stored file (an upload whose record could not be written).
    func remove(project normalizedName: String, storedName: String) {
        unlink(path(project: normalizedName, storedName: storedName))
    }
}

/// A failed system call, with its `errno`.
struct POSIXFailure: Error, CustomStringConvertible {
    let what: String
    let code: Int32

    init(_ what: String, _ code: Int32) {
        self.what = what
        self.code = code
    }

    var description: String { "\(what): \(String(cString: strerror(code)))" }
}
