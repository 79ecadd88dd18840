import CLibsodium
import Crypto
import NIOCore

/// The digests of an uploaded file that Warehouse checks: MD5, SHA-256 and
/// BLAKE2b-256 (libsodium's `crypto_generichash` with a 32-byte output), in
/// lowercase hex.
struct UploadDigests {
    /// The form fields that carry a digest, with the digest each names.
    static var fields: [(name: String, digest: KeyPath<UploadDigests, String>)] {
        [("md5_digest", \.md5), ("sha256_digest", \.sha256), ("blake2_256_digest", \.blake2b256)]
    }

    let md5: String
    let sha256: String
    let blake2b256: String

    /// The digests of `bytes`.
    init(of bytes: ByteBuffer) {
        md5 = Self.hex(Insecure.MD5.hash(data: bytes.readableBytesView))
        sha256 = Self.hex(SHA256.hash(data: bytes.readableBytesView))
        var blake2 = [UInt8](repeating: 0, count: 32)
        let status = bytes.withUnsafeReadableBytes { input in
            blake2.withUnsafeMutableBufferPointer { output in
                crypto_generichash(
                    output.baseAddress!, output.count, input.bindMemory(to: UInt8.self).baseAddress, UInt64(input.count), nil, 0)
            }
        }
        // crypto_generichash fails only for output or key lengths out of range, and these are fixed.
        precondition(status == 0, "crypto_generichash refused a 32-byte output")
        blake2b256 = Self.hex(blake2)
    }

    /// Checks every digest the form gives (empty fields count as absent), as Warehouse does.
    ///
    /// - Returns: the names of the fields checked (for the log).
    /// - Throws: ``UploadFailure`` 400 when the form gives none, or when one differs (hex compared case-insensitively).
    @discardableResult
    func check(_ form: MultipartForm) throws(UploadFailure) -> [String] {
        let claimed = Self.fields.compactMap { field in
            form.field(field.name).flatMap { $0.isEmpty ? nil : (field.name, $0, self[keyPath: field.digest]) }
        }
        guard !claimed.isEmpty else {
            throw UploadFailure(.badRequest, "Include at least one message digest.")
        }
        if claimed.contains(where: { _, given, actual in !Self.asciiLowercased(given).elementsEqual(actual.utf8) }) {
            throw UploadFailure(.badRequest, "The digest supplied does not match a digest calculated from the uploaded file.")
        }
        return claimed.map(\.0)
    }

    /// `text`'s UTF-8 bytes with ASCII capitals lowercased (hex digests may come in either case).
    private static func asciiLowercased(_ text: String) -> some Sequence<UInt8> {
        text.utf8.lazy.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }

    /// Lowercase hex of `bytes`.
    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
