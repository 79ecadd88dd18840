import COpenSSL

// Every call into OpenSSL's libcrypto lives in this folder, in this file and
// HMACSHA256.swift. The rest of the package sees only Swift types:
// `HMACSHA256`, `SHA256Digest` and the functions of `OpenSSLBackend`.

/// HMAC-SHA256 composed over OpenSSL's low-level SHA-256.
///
/// Keying hashes the padded key once into an inner and an outer SHA-256 state.
/// A keyed value keeps both states and copies them for each MAC (for fixed
/// keys: the key-derivation label, the binding key); ``authenticate(_:keyedBy:)``
/// keys and MACs in place (for the signature chain, which re-keys at every step).
/// Nothing is allocated on the heap. The construction is RFC 2104; the test
/// suite checks it against RFC 4231 and against OpenSSL's own `HMAC()`.
///
/// A MAC consumes the keyed states it copies: once `SHA256_Final` has run,
/// the chaining values have absorbed the message and padding (they hold the
/// inner digest and the MAC, not the key) and OpenSSL has cleansed the data
/// block. The keyed states a value keeps are wiped by ``wipe()`` when they are
/// secret; the pad block is wiped as soon as it is hashed.
struct HMACSHA256: @unchecked Sendable {
    // `SHA256_CTX` is a plain C struct of integers with no pointers, so copies
    // are independent values; `@unchecked` is needed only because imported C
    // structs are not declared `Sendable`.
    private var inner: SHA256_CTX
    private var outer: SHA256_CTX

    private static let blockSize = 64

    /// Keys the MAC with `key` of any length (keys longer than a block are hashed first).
    init(key: UnsafeRawBufferPointer) {
        var inner = SHA256_CTX()
        var outer = SHA256_CTX()
        Self.key(&inner, &outer, with: key)
        self.inner = inner
        self.outer = outer
    }

    /// Keys the MAC with a 32-byte digest.
    init(key: SHA256Digest) {
        self = key.withUnsafeBytes { HMACSHA256(key: $0) }
    }

    /// The MAC of `message`.
    func authenticationCode(for message: UnsafeRawBufferPointer) -> SHA256Digest {
        var inner = self.inner
        var outer = self.outer
        _ = SHA256_Update(&inner, message.baseAddress, message.count)
        var result = SHA256Digest()
        Self.finish(&inner, &outer, into: &result)
        return result
    }

    /// The MAC of the concatenation of two 32-byte digests.
    func authenticationCode(for first: SHA256Digest, _ second: SHA256Digest) -> SHA256Digest {
        var inner = self.inner
        var outer = self.outer
        first.withUnsafeBytes { _ = SHA256_Update(&inner, $0.baseAddress, $0.count) }
        second.withUnsafeBytes { _ = SHA256_Update(&inner, $0.baseAddress, $0.count) }
        var result = SHA256Digest()
        Self.finish(&inner, &outer, into: &result)
        return result
    }

    /// Overwrites both keyed states with zeros (`OPENSSL_cleanse`, which the
    /// optimizer cannot remove); the value computes garbage afterwards.
    mutating func wipe() {
        Self.cleanse(&inner, &outer)
    }

    /// Replaces `digest` with `HMAC(key: digest, message: message)`: one step of
    /// the signature chain, keyed and computed in place with no keyed states kept.
    ///
    /// Working in place keeps the digest in one buffer from `SHA256_Final` to the
    /// next keying: returning digests by value cost about 10% more per HMAC (measured).
    static func authenticate(_ message: UnsafeRawBufferPointer, keyedBy digest: inout SHA256Digest) {
        var inner = SHA256_CTX()
        var outer = SHA256_CTX()
        // Read the key from the digest's own storage: `withUnsafeBytes` would copy it first.
        digest.withUnsafeMutableBytes { Self.key(&inner, &outer, with: UnsafeRawBufferPointer($0)) }
        _ = SHA256_Update(&inner, message.baseAddress, message.count)
        finish(&inner, &outer, into: &digest)
    }

    /// Hashes the inner (`key ^ 0x36...`) and outer (`key ^ 0x5c...`) pad blocks.
    private static func key(_ inner: inout SHA256_CTX, _ outer: inout SHA256_CTX, with key: UnsafeRawBufferPointer) {
        // One 64-byte block as eight words, so the pads are eight XORs each.
        var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &block) { pad in
            if key.count > blockSize {
                _ = SHA256(key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count, pad.baseAddress?.assumingMemoryBound(to: UInt8.self))
            } else if let base = key.baseAddress, let destination = pad.baseAddress {
                destination.copyMemory(from: base, byteCount: key.count)
            }
            let words = pad.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] ^= 0x3636_3636_3636_3636 }
            _ = SHA256_Init(&inner)
            _ = SHA256_Update(&inner, pad.baseAddress, blockSize)
            for index in words.indices { words[index] ^= 0x3636_3636_3636_3636 ^ 0x5C5C_5C5C_5C5C_5C5C }
            _ = SHA256_Init(&outer)
            _ = SHA256_Update(&outer, pad.baseAddress, blockSize)
            // Do not leave key material in the scratch block.
            OPENSSL_cleanse(pad.baseAddress, blockSize)
        }
    }

    /// Completes the inner hash, hashes its digest into the outer state and
    /// completes that, all in `digest`'s storage.
    ///
    /// No keyed state survives this: `SHA256_Final` compresses the last block
    /// into the chaining values and cleanses the data block. Cleansing both
    /// contexts here as well would wipe only the inner digest and the MAC, and
    /// cost about 8% of one-pass verification (Specs/cryptography.md).
    private static func finish(_ inner: inout SHA256_CTX, _ outer: inout SHA256_CTX, into digest: inout SHA256Digest) {
        digest.withUnsafeMutableBytes { digest in
            let bytes = digest.baseAddress?.assumingMemoryBound(to: UInt8.self)
            _ = SHA256_Final(bytes, &inner)
            _ = SHA256_Update(&outer, bytes, SHA256Digest.byteCount)
            _ = SHA256_Final(bytes, &outer)
        }
    }

    private static func cleanse(_ inner: inout SHA256_CTX, _ outer: inout SHA256_CTX) {
        OPENSSL_cleanse(&inner, MemoryLayout<SHA256_CTX>.size)
        OPENSSL_cleanse(&outer, MemoryLayout<SHA256_CTX>.size)
    }
}

extension SHA256Digest {
    /// Overwrites the 32 bytes with zeros (`OPENSSL_cleanse`): for keys,
    /// intermediate signatures and expected signatures once they are used.
    mutating func wipe() {
        withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}

extension UnsafeMutableRawBufferPointer {
    /// Overwrites the bytes with zeros (`OPENSSL_cleanse`).
    func wipe() {
        OPENSSL_cleanse(baseAddress, count)
    }
}
