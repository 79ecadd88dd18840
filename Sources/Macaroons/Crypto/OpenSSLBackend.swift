import COpenSSL

// Every call into OpenSSL's libcrypto lives in this folder, in this file and
// HMACSHA256.swift. The rest of the package sees only Swift types:
// `HMACSHA256`, `SHA256Digest` and the functions of `OpenSSLBackend`.

/// The remaining libcrypto entry points the package uses.
enum OpenSSLBackend {
    /// `count` bytes from OpenSSL's CSPRNG (`RAND_bytes`).
    ///
    /// A failing CSPRNG leaves no safe way to continue minting keys, so it traps
    /// rather than returning weak bytes (as swift-crypto does).
    static func randomBytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        precondition(status == 1, "OpenSSL RAND_bytes failed; refusing to continue without a CSPRNG")
        return bytes
    }

    /// The SHA-256 digest of `bytes`; `nil` if libcrypto reports a failure.
    ///
    /// Through the low-level calls, as `HMACSHA256` does: OpenSSL 3's one-shot `SHA256()`
    /// fetches the algorithm and allocates a context on every call (about 1 µs more per
    /// request in the example registry, measured).
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest? {
        var context = SHA256_CTX()
        var digest = SHA256Digest()
        guard SHA256_Init(&context) == 1, SHA256_Update(&context, bytes.baseAddress, bytes.count) == 1,
              digest.withUnsafeMutableBytes({ SHA256_Final($0.baseAddress?.assumingMemoryBound(to: UInt8.self), &context) }) == 1
        else { return nil }
        return digest
    }

    /// Compares two digests in constant time (`CRYPTO_memcmp`).
    ///
    /// As two 16-byte halves, both always compared: OpenSSL's x86-64 assembly
    /// compares 16 bytes as two words, and any other length byte by byte.
    static func constantTimeEqual(_ lhs: SHA256Digest, _ rhs: SHA256Digest) -> Bool {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                let half = SHA256Digest.byteCount / 2
                let first = CRYPTO_memcmp(left.baseAddress, right.baseAddress, half)
                let second = CRYPTO_memcmp(left.baseAddress.map { $0 + half }, right.baseAddress.map { $0 + half }, half)
                return first | second == 0
            }
        }
    }

    /// HMAC-SHA256 through OpenSSL's one-shot `HMAC()`: slow (it fetches the
    /// algorithm on every call) and kept only as the reference the fast path is
    /// checked against by tests and the differential fuzz target.
    static func referenceHMACSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        // An empty array may have no base address; OpenSSL needs a real pointer.
        let keyStorage = key.isEmpty ? [0] : key
        keyStorage.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                output.withUnsafeMutableBufferPointer { out in
                    _ = HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(key.count),
                        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
                        out.baseAddress, &length)
                }
            }
        }
        return output
    }
}
