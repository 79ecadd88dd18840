/// The secret a macaroon chain starts from.
///
/// libmacaroons, pymacaroons and go-macaroon never sign with the secret a caller
/// hands them: they derive the signing key as
/// `HMAC-SHA256(key: "macaroons-key-generator", message: secret)`. Use
/// ``init(derivingFrom:)`` to interoperate with them (and with PyPI's tokens);
/// use ``init(rawBytes:)`` only when the 32-byte signing key itself is stored.
///
/// The key's bytes are never printed, dumped or reflected (see Redaction.swift).
public struct MacaroonKey: Sendable {
    /// The key the chain is keyed with (after derivation, if any).
    let signingKey: SHA256Digest

    /// The number of bytes in a signing key, and in a generated secret.
    public static let byteCount = 32

    /// A key derived from a secret of any length, as libmacaroons does.
    @inlinable
    public init(derivingFrom secret: some Collection<UInt8>) {
        self = secret.withContiguousStorageIfAvailable { MacaroonKey(derivingFromBuffer: UnsafeRawBufferPointer($0)) }
            ?? Self.derivingFromCopy(of: secret)
    }

    /// Derives from a contiguous copy of a secret kept in pieces, then wipes the copy.
    @usableFromInline
    static func derivingFromCopy(of secret: some Collection<UInt8>) -> MacaroonKey {
        var copy = Array(secret)
        return copy.withUnsafeMutableBytes { buffer in
            defer { buffer.wipe() }
            return MacaroonKey(derivingFromBuffer: UnsafeRawBufferPointer(buffer))
        }
    }

    @usableFromInline
    init(derivingFromBuffer secret: UnsafeRawBufferPointer) {
        signingKey = SignatureChain.deriveKey(fromSecret: secret)
    }

    /// A raw 32-byte signing key, used without derivation.
    ///
    /// - Throws: ``MacaroonError/Code/invalidKeyLength`` unless `bytes` holds exactly 32 bytes.
    public init(rawBytes bytes: some Collection<UInt8>) throws(MacaroonError) {
        guard let key = SHA256Digest(bytes) else {
            throw MacaroonError(
                .invalidKeyLength, detail: "a raw key must be exactly 32 bytes, got \(bytes.count)")
        }
        signingKey = key
    }

    init(signingKey: SHA256Digest) {
        self.signingKey = signingKey
    }

    /// A fresh 32-byte secret from OpenSSL's CSPRNG (`RAND_bytes`), for a server to store.
    public static func generateSecret() -> [UInt8] {
        OpenSSLBackend.randomBytes(count: byteCount)
    }

    /// The 32 signing-key bytes, for this package's token stores to seal and keep.
    /// Never printed, never public.
    package var signingKeyBytes: [UInt8] { signingKey.bytes }

}

extension MacaroonKey {
    /// Whether `other` signs with the same key, compared in constant time.
    package func hasSameSigningKey(as other: MacaroonKey) -> Bool {
        OpenSSLBackend.constantTimeEqual(signingKey, other.signingKey)
    }
}
