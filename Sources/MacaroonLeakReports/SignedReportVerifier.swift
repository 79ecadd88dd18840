#if LeakReports
import Crypto
import Foundation

/// Checks that a report was signed by the reporter: ECDSA P-256 with SHA-256
/// over the exact body bytes, the key named by `Github-Public-Key-Identifier`,
/// the base64 DER signature in `Github-Public-Key-Signature`.
///
/// Two steps, so that a server reads no body for a request that cannot verify:
/// ``authenticate(keyIdentifier:signature:now:)`` checks the headers (a known key
/// and a well-formed signature) and returns a ``PendingSignature``; its
/// ``PendingSignature/verifies(_:)`` then checks the body, bounded by the caller.
public struct SignedReportVerifier: Sendable {
    /// The header naming the key.
    public static let keyIdentifierHeader = "Github-Public-Key-Identifier"
    /// The header holding the signature.
    public static let signatureHeader = "Github-Public-Key-Signature"

    /// The reporter's keys.
    public let keys: ReporterKeys

    /// A verifier with these keys.
    public init(keys: ReporterKeys) {
        self.keys = keys
    }

    /// Why the headers were refused.
    public enum HeaderError: Error, Sendable, Hashable {
        /// One of the two headers is missing (Warehouse answers 404: not a reporter).
        case missingHeaders
        /// The reporter has no key with this identifier.
        case unknownKey
        /// The signature is not base64 of a DER ECDSA signature.
        case malformedSignature
    }

    /// Checks the headers: the key is one of the reporter's, the signature well formed.
    ///
    /// - Throws: ``HeaderError``; or the keys' fetch failure (operational: answer 503).
    public func authenticate(keyIdentifier: String?, signature: String?, now: Int64) async throws -> Result<PendingSignature, HeaderError> {
        guard let keyIdentifier, let signature, !keyIdentifier.isEmpty, !signature.isEmpty else { return .failure(.missingHeaders) }
        guard keyIdentifier.utf8.count <= 512, signature.utf8.count <= 512,
              let der = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
              let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return .failure(.malformedSignature) }
        guard let key = try await keys.key(id: keyIdentifier, now: now) else { return .failure(.unknownKey) }
        return .success(PendingSignature(key: key, signature: parsed))
    }
}

/// A signature whose key and form were accepted, waiting for the body it signs.
public struct PendingSignature: Sendable {
    let key: P256.Signing.PublicKey
    let signature: P256.Signing.ECDSASignature

    /// Whether the signature is the reporter's over exactly these bytes.
    public func verifies(_ body: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: body)
    }
}
#endif
