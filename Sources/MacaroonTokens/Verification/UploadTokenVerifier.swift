public import Macaroons
import _MacaroonInternals

/// Verifies upload tokens against upload requests, the way PyPI's Warehouse
/// does but stricter where Warehouse is loose.
///
/// It keeps what is specific to service tokens (parsing, the prefix, key
/// lookup by identifier, the required location and trusted third parties) around
/// a `MacaroonVerifier` whose policy is the ``CaveatLanguage``,
/// which holds the order: the signature chain (and any discharges) in constant
/// time; the location; third-party trust; only then every caveat, each decoded
/// and evaluated. Every failure is reported.
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
    public var trustedThirdPartyLocations: Set<String> {
        didSet { verifier.trustedThirdPartyLocations = Set(trustedThirdPartyLocations.map { Array($0.utf8) }) }
    }
    /// The longest identifier looked up in a key store, in bytes (default 256;
    /// PyPI's are 36-byte UUIDs). A longer one is denied as unknown without a lookup.
    public var maxIdentifierLength = 256
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
    ///   with the token itself is a `Verdict.denied`.
    public func verify(
        token text: some StringProtocol, request: UploadRequest, keys: some RootKeyStore, discharges: [Macaroon] = []
    ) async throws -> UploadVerdict {
        let token: ServiceToken
        do {
            token = try parse(text)
        } catch {
            return .denied([DenialReason(.malformedToken, "invalid API token: \(error.detail)", underlying: error.underlying)])
        }
        guard token.macaroon.identifier.count <= maxIdentifierLength, token.identifier != nil,
              let key = try await keys.rootKey(forIdentifier: TokenIdentifier(token.macaroon.identifier)) else {
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
    /// A token with another prefix than ``prefix`` is a malformed token, as it is when parsed.
    /// The order after that (signatures, location, third-party trust, every caveat) is
    /// `MacaroonVerifier`'s.
    public func verify(_ token: ServiceToken, key: MacaroonKey?, request: UploadRequest, discharges: [Macaroon] = []) -> UploadVerdict {
        guard UTF8Text.equal(token.prefix, prefix) else {
            return .denied([DenialReason(
                .malformedToken, "invalid API token: the token's prefix is \(Printable.text(token.prefix, limit: 32)), expected '\(prefix)'")])
        }
        guard let key else { return .denied([Self.unknownToken]) }
        return verifier.verify(token.macaroon, key: key, discharges: discharges, in: request)
    }

    /// The request-independent half of ``verify(_:key:request:discharges:)``: the prefix, the key,
    /// the signature chain, the location and third-party trust. No caveat is evaluated: pass the
    /// authenticated macaroon to ``evaluate(_:request:)`` for each request it is presented with.
    public func authenticate(_ token: ServiceToken, key: MacaroonKey?, discharges: [Macaroon] = []) -> MacaroonVerifier<CaveatLanguage>.Authentication {
        guard UTF8Text.equal(token.prefix, prefix) else {
            return .denied([DenialReason(
                .malformedToken, "invalid API token: the token's prefix is \(Printable.text(token.prefix, limit: 32)), expected '\(prefix)'")])
        }
        guard let key else { return .denied([Self.unknownToken]) }
        return verifier.authenticate(token.macaroon, key: key, discharges: discharges)
    }

    /// Every caveat of an authenticated token against `request`, without walking its signature chain again.
    public func evaluate(_ token: AuthenticatedMacaroon, request: UploadRequest) -> UploadVerdict {
        verifier.evaluate(token, in: request)
    }

    /// The one reason for a token whose identifier no store holds (never looked up, not found, or revoked).
    package static let unknownToken = DenialReason(.unknownIdentifier, "unknown or revoked API token")
}
