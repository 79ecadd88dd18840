import _MacaroonInternals

/// The 32-byte HMAC-SHA256 signature at the end of a macaroon's chain.
///
/// Equality is evaluated in constant time (`CRYPTO_memcmp`), so comparing a
/// presented signature with an expected one leaks no timing.
///
/// With its macaroon's identifier and caveats a signature is the bearer
/// credential, so it is never printed, dumped or reflected (see Redaction.swift);
/// ask for ``bytes`` or ``hexString`` explicitly.
public struct MacaroonSignature: Sendable, Hashable {
    let digest: SHA256Digest

    init(_ digest: SHA256Digest) {
        self.digest = digest
    }

    /// A signature from exactly 32 bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard let digest = SHA256Digest(bytes) else { return nil }
        self.digest = digest
    }

    /// The 32 bytes.
    public var bytes: [UInt8] { digest.bytes }

    /// The bytes in lowercase hexadecimal.
    public var hexString: String { Hex.encode(bytes) }

    /// Constant-time equality.
    public static func == (lhs: MacaroonSignature, rhs: MacaroonSignature) -> Bool {
        OpenSSLBackend.constantTimeEqual(lhs.digest, rhs.digest)
    }

    /// Hashes the 32 bytes.
    public func hash(into hasher: inout Hasher) {
        digest.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
