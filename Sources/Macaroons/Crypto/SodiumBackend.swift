import CSodium

// Every call into libsodium lives in this file: NaCl secretbox
// (XSalsa20-Poly1305), which seals a third-party caveat's key into its
// verification id. OpenSSL has no XSalsa20.

/// Verification ids: `nonce(24) || secretbox(caveatKey, nonce, key: signature)`, 72 bytes.
enum SodiumBackend {
    static let nonceLength = Int(crypto_secretbox_NONCEBYTES)
    static let sealedLength = Int(crypto_secretbox_MACBYTES) + SHA256Digest.byteCount
    /// The length of a verification id.
    static let verificationIDLength = nonceLength + sealedLength

    /// libsodium's one-time initialisation (idempotent and thread-safe), run on first use.
    private static let initialized: Bool = sodium_init() >= 0

    /// Seals `caveatKey` under `signature` with the given 24-byte nonce.
    ///
    /// The key and the signature are read in place (no copies to wipe); the
    /// result holds only the nonce and the ciphertext.
    static func seal(_ caveatKey: SHA256Digest, nonce: [UInt8], key signature: SHA256Digest) -> [UInt8] {
        precondition(initialized, "libsodium failed to initialise")
        precondition(nonce.count == nonceLength, "a secretbox nonce is 24 bytes")
        var sealed = [UInt8](repeating: 0, count: sealedLength)
        // Digests and a 72-byte vid are never empty, so every base address exists.
        let status = caveatKey.withUnsafeBytes { message in
            signature.withUnsafeBytes { key in
                crypto_secretbox_easy(&sealed, bytes(message), UInt64(message.count), nonce, bytes(key))
            }
        }
        precondition(status == 0, "crypto_secretbox_easy failed")
        return nonce + sealed
    }

    /// Opens a verification id with `signature`; `nil` when it is not 72 bytes or fails authentication.
    ///
    /// The caveat key is written straight into the returned digest, which the
    /// caller wipes; libsodium itself wipes its own stack (`sodium_memzero`).
    static func open(_ verificationID: ArraySlice<UInt8>, key signature: SHA256Digest) -> SHA256Digest? {
        guard initialized, verificationID.count == verificationIDLength else { return nil }
        var opened = SHA256Digest()
        let status = verificationID.withUnsafeBytes { vid in
            signature.withUnsafeBytes { key in
                opened.withUnsafeMutableBytes { output in
                    crypto_secretbox_open_easy(
                        output.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes(vid) + nonceLength, UInt64(sealedLength),
                        bytes(vid), bytes(key))
                }
            }
        }
        guard status == 0 else {
            // libsodium writes nothing on failure, but clear the buffer regardless.
            opened.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
            return nil
        }
        return opened
    }

    /// The first byte of a buffer that is never empty.
    private static func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8> {
        buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    }
}
