import Macaroons

/// Verifies upload tokens against upload requests, the way PyPI's Warehouse
/// does but stricter where Warehouse is loose.
///
/// The order is fixed: parse the token; look up its key by identifier; verify
/// the signature chain (and any discharges) in constant time; only then decode
/// and evaluate every caveat. All caveats are evaluated and every failure is
/// reported.
///
/// A `Sendable` value with no mutable state: build one at start-up and share it.
///
/// ```swift
/// let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
/// let token = try verifier.parse(tokenText)
/// let record = try await tokens.record(id: token.identifier ?? "")   // your own record: secret and owner
/// let request = UploadRequest(project: .init(name: "Foo.Bar", id: projectID), identity: .user(id: record.ownerID))
/// let verdict = verifier.verify(token, key: MacaroonKey(derivingFrom: record.secret), request: request)
/// // On .allowed, still check that record.ownerID may upload to the project.
/// ```
///
/// The identity must be the token's owner from your own records, and the
/// project's permissions are checked separately: see ``UploadVerdict``.
public struct UploadTokenVerifier: Sendable {
    /// The service prefix tokens must carry.
    public var prefix: String
    /// If set, a token's location must be exactly these UTF-8 bytes (Warehouse does not check).
    ///
    /// The location is not signed: anyone holding a token can rewrite it. This
    /// check only catches honest mistakes, such as a test.pypi.org token pasted
    /// into a pypi.org upload. It does not separate services: that comes from
    /// separate key stores (separate secrets), so that a token of one service
    /// has no key in the other.
    public var location: String?
    /// The caveats understood.
    public var language: CaveatLanguage
    /// Decoding and discharge limits.
    public var limits: MacaroonLimits
    /// Locations whose third-party caveats are accepted (with their discharges),
    /// compared as UTF-8 bytes. Empty by default: any third-party caveat fails the token.
    ///
    /// A caveat's location is a hint that is not signed: a holder can relabel
    /// it. What the signature does cover decides what a discharge can do: it
    /// must verify under the caveat key sealed in the signed verification id,
    /// be bound to this token, and every first-party caveat it carries is
    /// evaluated by this verifier's ``language``. So this set is a policy
    /// against honest mistakes (a token sent to a service that does not expect
    /// third-party caveats), never a way to make a token allow more.
    public var trustedThirdPartyLocations: Set<String>
    /// The longest identifier looked up in a key store, in bytes (default 256;
    /// PyPI's are 36-byte UUIDs). A longer one is denied as unknown without a lookup.
    public var maxIdentifierLength = 256

    /// Creates a verifier.
    public init(
        prefix: String = "pypi", location: String? = nil, language: CaveatLanguage = .pypi,
        limits: MacaroonLimits = .default, trustedThirdPartyLocations: Set<String> = []
    ) {
        self.prefix = prefix
        self.location = location
        self.language = language
        self.limits = limits
        self.trustedThirdPartyLocations = trustedThirdPartyLocations
    }

    /// Parses a token with this verifier's prefix and limits.
    @inlinable
    public func parse(_ token: some StringProtocol) throws(TokenError) -> ServiceToken {
        try ServiceToken(parsing: token, expectedPrefix: prefix, limits: limits)
    }

    /// Verifies a token's text with a key store: parse, look up, verify.
    ///
    /// - Throws: only what `keys` throws (operational failures). Every problem
    ///   with the token itself is a ``UploadVerdict/denied(_:)``.
    public func verify(
        token text: some StringProtocol, request: UploadRequest, keys: some RootKeyStore, discharges: [Macaroon] = []
    ) async throws -> UploadVerdict {
        let token: ServiceToken
        do {
            token = try parse(text)
        } catch {
            return .denied([DenialReason(.malformedToken, "invalid API token: \(error.detail)")])
        }
        guard token.macaroon.identifier.count <= maxIdentifierLength, let identifier = token.identifier,
              let key = try await keys.rootKey(forIdentifier: identifier) else {
            return .denied([DenialReason(.unknownIdentifier, "unknown or revoked API token")])
        }
        return verify(token, key: key, request: request, discharges: discharges)
    }

    /// Verifies the token in an `Authorization` header (see ``AuthorizationHeader``).
    public func verify(
        authorizationHeader header: some StringProtocol, request: UploadRequest, keys: some RootKeyStore, discharges: [Macaroon] = []
    ) async throws -> UploadVerdict {
        let text: Substring
        do {
            text = try AuthorizationHeader.token(from: header)
        } catch {
            return .denied([DenialReason(.malformedToken, error.detail)])
        }
        return try await verify(token: text, request: request, keys: keys, discharges: discharges)
    }

    /// Verifies a parsed token with its key (`nil`: unknown or revoked). Synchronous and allocation-light.
    ///
    /// A token with another prefix than ``prefix`` is a malformed token, as it is when parsed.
    public func verify(_ token: ServiceToken, key: MacaroonKey?, request: UploadRequest, discharges: [Macaroon] = []) -> UploadVerdict {
        guard UTF8Text.equal(token.prefix, prefix) else {
            return .denied([DenialReason(.malformedToken, "invalid API token: the token's prefix is \(Printable.text(token.prefix, limit: 32)), expected '\(prefix)'")])
        }
        guard let key else { return .denied([DenialReason(.unknownIdentifier, "unknown or revoked API token")]) }
        let macaroon = token.macaroon
        let verified: VerifiedMacaroon
        do {
            verified = try macaroon.verifySignature(key: key, discharges: discharges, limits: limits)
        } catch {
            return .denied([DenialReason(.invalidSignature, Self.signatureMessage(error))])
        }
        if let location, !UTF8Text.bytes(macaroon.location, equal: location) {
            return .denied([DenialReason(.wrongLocation, "token is for \(Printable.bytes(macaroon.location)), not '\(location)'")])
        }
        var reasons: [DenialReason] = []
        rejectUntrustedThirdPartyCaveats(of: macaroon, into: &reasons)
        for discharge in verified.discharges {
            rejectUntrustedThirdPartyCaveats(of: discharge, into: &reasons)
        }
        for (index, bytes) in verified.firstPartyCaveats.enumerated() {
            let caveat: any UploadCaveat
            do {
                caveat = try language.decode(bytes)
            } catch {
                reasons.append(DenialReason(.invalidCaveat, "invalid caveat \(Printable.bytes(bytes)): \(error.message)", caveatIndex: index))
                continue
            }
            if case .failed(let message) = caveat.evaluate(request) {
                if reasons.isEmpty { reasons.reserveCapacity(4) }
                reasons.append(DenialReason(.caveatNotSatisfied, message, caveatIndex: index))
            }
        }
        return reasons.isEmpty ? .allowed : .denied(reasons)
    }

    private func rejectUntrustedThirdPartyCaveats(of macaroon: Macaroon, into reasons: inout [DenialReason]) {
        for case .thirdParty(let identifier, _, let caveatLocation) in macaroon.caveats
        where !trustedThirdPartyLocations.contains(where: { UTF8Text.bytes(caveatLocation, equal: $0) }) {
            reasons.append(DenialReason(
                .thirdPartyCaveatNotAccepted,
                "third-party caveat \(Printable.bytes(identifier)) at \(Printable.bytes(caveatLocation)) is not accepted by this service"))
        }
    }

    private static func signatureMessage(_ error: MacaroonError) -> String {
        switch error.code {
        case .signatureMismatch where error.field == .signature: "signatures do not match"
        default: "invalid token: \(error.detail)"
        }
    }
}
