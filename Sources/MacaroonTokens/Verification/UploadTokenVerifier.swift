public import Macaroons

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
/// let request = UploadRequest(project: .init(name: "Foo.Bar", id: projectID), identity: .user(id: userID))
/// let verdict = try await verifier.verify(token: tokenText, request: request, keys: keyStore)
/// ```
public struct UploadTokenVerifier: Sendable {
    /// The service prefix tokens must carry.
    public var prefix: String
    /// If set, a token's location must equal it (Warehouse does not check; we do when asked).
    ///
    /// The location is not covered by the signature: this catches a token sent
    /// to the wrong service by mistake. Separate services by separate key stores.
    public var location: String? {
        didSet { verifier.location = location.map { Array($0.utf8) } }
    }
    /// The caveats understood: the policy of the verifier.
    public var language: CaveatLanguage {
        get { verifier.policy }
        set { verifier.policy = newValue }
    }
    /// Decoding and discharge limits.
    public var limits: MacaroonLimits {
        get { verifier.limits }
        set { verifier.limits = newValue }
    }
    /// Locations whose third-party caveats are accepted (with their discharges).
    /// Empty by default: any third-party caveat fails the token.
    public var trustedThirdPartyLocations: Set<String> {
        didSet { verifier.trustedThirdPartyLocations = Set(trustedThirdPartyLocations.map { Array($0.utf8) }) }
    }
    /// The macaroon verifier that holds the verification order.
    private var verifier: MacaroonVerifier<CaveatLanguage>

    /// Creates a verifier.
    public init(
        prefix: String = "pypi", location: String? = nil, language: CaveatLanguage = .pypi,
        limits: MacaroonLimits = .default, trustedThirdPartyLocations: Set<String> = []
    ) {
        self.prefix = prefix
        self.location = location
        self.trustedThirdPartyLocations = trustedThirdPartyLocations
        verifier = MacaroonVerifier(
            policy: language, limits: limits, location: location.map { Array($0.utf8) },
            trustedThirdPartyLocations: Set(trustedThirdPartyLocations.map { Array($0.utf8) }))
    }

    /// Parses a token with this verifier's prefix and limits.
    @inlinable
    public func parse(_ token: some StringProtocol) throws(TokenError) -> ServiceToken {
        try ServiceToken(parsing: token, expectedPrefix: prefix, limits: limits)
    }

    /// Verifies a token's text with a key store: parse, look up, verify.
    ///
    /// - Throws: only what `keys` throws (operational failures). Every problem
    ///   with the token itself is a ``Macaroons/Verdict/denied(_:)``.
    public func verify(
        token text: some StringProtocol, request: UploadRequest, keys: some RootKeyStore, discharges: [Macaroon] = []
    ) async throws -> UploadVerdict {
        let token: ServiceToken
        do {
            token = try parse(text)
        } catch {
            return .denied([DenialReason(.malformedToken, "invalid API token: \(error.detail)", underlying: error.underlying)])
        }
        guard let identifier = token.identifier, let key = try await keys.rootKey(forIdentifier: identifier) else {
            return .denied([Self.unknownToken])
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
    /// The order (signatures, location, third-party trust, every caveat) is
    /// ``Macaroons/MacaroonVerifier``'s.
    public func verify(_ token: ServiceToken, key: MacaroonKey?, request: UploadRequest, discharges: [Macaroon] = []) -> UploadVerdict {
        guard let key else { return .denied([Self.unknownToken]) }
        return verifier.verify(token.macaroon, key: key, discharges: discharges, in: request)
    }

    private static let unknownToken = DenialReason(.unknownIdentifier, "unknown or revoked API token")
}
