import COpenSSL

/// The SHA-256 digest of a secret (a token's text), under which an in-process cache
/// remembers what it learnt about the secret without holding the secret itself.
///
/// Equal fingerprints mean equal secrets (SHA-256 is collision resistant). Compared in
/// constant time, and hashed by its words, so a table keyed by fingerprints never
/// compares the secrets' bytes. Printed as `SecretFingerprint(<redacted>)`.
package struct SecretFingerprint: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private var digest = SHA256Digest()

    /// The fingerprint of `secret`'s bytes.
    package init(of secret: UnsafeRawBufferPointer) {
        // The low-level calls, as `HMACSHA256` uses: OpenSSL 3's one-shot `SHA256()` fetches the
        // algorithm and allocates a context on every call (about 1 µs more per request, measured).
        var context = SHA256_CTX()
        _ = SHA256_Init(&context)
        _ = SHA256_Update(&context, secret.baseAddress, secret.count)
        digest.withUnsafeMutableBytes { _ = SHA256_Final($0.baseAddress?.assumingMemoryBound(to: UInt8.self), &context) }
    }

    /// The fingerprint of a string's UTF-8 bytes.
    package init(of secret: Substring) {
        var secret = secret
        self = secret.withUTF8 { SecretFingerprint(of: UnsafeRawBufferPointer($0)) }
    }

    /// Constant time (`CRYPTO_memcmp`).
    package static func == (lhs: SecretFingerprint, rhs: SecretFingerprint) -> Bool {
        OpenSSLBackend.constantTimeEqual(lhs.digest, rhs.digest)
    }

    package func hash(into hasher: inout Hasher) {
        digest.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Redacted.
    package var description: String { "SecretFingerprint(<redacted>)" }
    /// Redacted.
    package var debugDescription: String { description }
    /// No children.
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension MacaroonKey {
    /// Whether `other` signs with the same key, compared in constant time.
    package func hasSameSigningKey(as other: MacaroonKey) -> Bool {
        OpenSSLBackend.constantTimeEqual(signingKey, other.signingKey)
    }
}
