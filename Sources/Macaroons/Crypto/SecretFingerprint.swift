/// The SHA-256 digest of a secret (a token's text), under which an in-process cache
/// remembers what it learnt about the secret without holding the secret itself.
///
/// Equal fingerprints mean equal secrets (SHA-256 is collision resistant). Compared in
/// constant time, and hashed by its words, so a table keyed by fingerprints never
/// compares the secrets' bytes. Printed as `SecretFingerprint(<redacted>)`.
package struct SecretFingerprint: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let digest: SHA256Digest

    /// The fingerprint of `secret`'s bytes; `nil` if libcrypto fails (then nothing is remembered
    /// under it: a failed digest must not make every secret share one fingerprint).
    package init?(of secret: UnsafeRawBufferPointer) {
        guard let digest = OpenSSLBackend.sha256(secret) else { return nil }
        self.digest = digest
    }

    /// The fingerprint of a string's UTF-8 bytes; `nil` if libcrypto fails.
    package init?(of secret: Substring) {
        var secret = secret
        guard let fingerprint = secret.withUTF8({ SecretFingerprint(of: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = fingerprint
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
