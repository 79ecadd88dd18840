import CSodium

// Every call into libsodium lives in this file: NaCl secretbox
// (XSalsa20-Poly1305), which seals a third-party caveat's key into its
// verification id, and (through ``SecretBox``) the root keys a token store
// keeps sealed under a key-encryption key. OpenSSL has no XSalsa20.

/// Verification ids: `nonce(24) || secretbox(caveatKey, nonce, key: signature)`, 72 bytes.
enum SodiumBackend {
    static let nonceLength = Int(crypto_secretbox_NONCEBYTES)
    static let sealedLength = Int(crypto_secretbox_MACBYTES) + SHA256Digest.byteCount
    /// The length of a verification id.
    static let verificationIDLength = nonceLength + sealedLength

    /// libsodium's one-time initialisation (idempotent and thread-safe), run on first use.
    private static let initialized: Bool = sodium_init() >= 0

    /// Whether libsodium initialised (runs the initialisation on first use).
    static var isInitialized: Bool { initialized }

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

/// NaCl secretbox (XSalsa20-Poly1305) for the rest of this package: token
/// stores seal root keys with it. Sealed form: `nonce(24) || box`, with a
/// fresh random nonce each time.
package enum SecretBox {
    /// The key length, 32 bytes.
    package static let keyLength = Int(crypto_secretbox_KEYBYTES)
    /// The bytes a sealed message adds to its plaintext: nonce and tag, 40.
    package static let overhead = SodiumBackend.nonceLength + Int(crypto_secretbox_MACBYTES)

    /// Seals `message` under the 32-byte `key` with a random nonce.
    package static func seal(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(SodiumBackend.isInitialized, "libsodium failed to initialise")
        precondition(key.count == keyLength, "a secretbox key is 32 bytes")
        let nonce = OpenSSLBackend.randomBytes(count: SodiumBackend.nonceLength)
        var sealed = [UInt8](repeating: 0, count: message.count + Int(crypto_secretbox_MACBYTES))
        let status = crypto_secretbox_easy(&sealed, message, UInt64(message.count), nonce, key)
        precondition(status == 0, "crypto_secretbox_easy failed")
        return nonce + sealed
    }

    /// Opens `nonce || box` with `key`; `nil` when it is too short or fails authentication.
    package static func open(_ sealed: [UInt8], key: [UInt8]) -> [UInt8]? {
        guard SodiumBackend.isInitialized, key.count == keyLength, sealed.count >= overhead else { return nil }
        let nonce = Array(sealed.prefix(SodiumBackend.nonceLength))
        let box = Array(sealed.dropFirst(SodiumBackend.nonceLength))
        var opened = [UInt8](repeating: 0, count: sealed.count - overhead)
        let status = crypto_secretbox_open_easy(&opened, box, UInt64(box.count), nonce, key)
        return status == 0 ? opened : nil
    }
}

