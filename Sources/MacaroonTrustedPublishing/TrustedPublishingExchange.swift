#if TrustedPublishing
import Foundation
import Macaroons
import MacaroonTokens

/// The trusted-publishing endpoints: PyPI's `/_/oidc/audience`, `/_/oidc/mint-token`
/// (an OIDC ID token for a 15-minute upload token) and uv's `/_/oidc/burn-token`.
///
/// Frameworks pass request bodies in and send ``ExchangeResponse``s back. The
/// methods throw only operational failures (store or directory unreachable):
/// answer 503, never a token.
public struct TrustedPublishingExchange: Sendable {
    /// The audience ID tokens must be issued for.
    public var audience: String { verifier.audience }
    /// The accepted issuers, by `iss`.
    public let issuers: [String: OIDCIssuer]
    /// Verifies ID tokens.
    public let verifier: IDTokenVerifier
    /// The registered publishers.
    public let directory: any TrustedPublisherDirectory
    /// Where tokens are minted and burned.
    public let store: any TokenStore
    /// Where `jti`s are claimed: usually the token store itself (every store of this package is one).
    public let replays: any ReplayGuard
    /// The minted tokens' location (PyPI: its domain, `pypi.org`).
    public let location: String
    /// The minted tokens' prefix.
    public let prefix: String
    /// How long minted tokens live, seconds (Warehouse: 900).
    public let lifetime: Int64
    /// The longest request body read, bytes.
    public let maxBodyBytes: Int
    /// The current time, Unix seconds.
    public let clock: @Sendable () -> Int64

    /// An exchange.
    public init(
        verifier: IDTokenVerifier, issuers: [OIDCIssuer], directory: any TrustedPublisherDirectory,
        store: any TokenStore, replays: any ReplayGuard, location: String, prefix: String = "pypi", lifetime: Int64 = 900,
        maxBodyBytes: Int = 64 * 1024, clock: @escaping @Sendable () -> Int64 = UploadRequest.currentTime
    ) {
        self.verifier = verifier
        self.issuers = Dictionary(issuers.map { ($0.url, $0) }, uniquingKeysWith: { first, _ in first })
        self.directory = directory
        self.store = store
        self.replays = replays
        self.location = location
        self.prefix = prefix
        self.lifetime = lifetime
        self.maxBodyBytes = maxBodyBytes
        self.clock = clock
    }

    /// `GET /_/oidc/audience`: `{"audience": "<audience>"}`.
    public func audienceResponse() -> ExchangeResponse {
        ExchangeResponse(status: 200, json: ["audience": audience])
    }

    /// `POST /_/oidc/mint-token` with `{"token": "<JWT>"}`.
    ///
    /// In order: the payload; the unverified issuer, which must be configured; the
    /// JWT against that issuer's keys, audience and times; the publisher registered
    /// for the claims; the `jti`, claimed once until `exp` plus the leeway; then a
    /// token owned by the publisher with the caveats `[4,…]`, `[2,[project ids]]`,
    /// `[0,expires,not before]`, the verified claims kept in `additional`.
    /// Answers `{"success": true, "token": …, "expires": …}` or a 422 refusal.
    public func mintToken(body: [UInt8]) async throws -> ExchangeResponse {
        func refuse(_ code: String, _ description: String) -> ExchangeResponse {
            .refused("Token request failed", [ExchangeError(code: code, description: description)])
        }
        guard let jwt = Self.tokenField(of: body, maxBytes: maxBodyBytes) else {
            return refuse("invalid-payload", "the body must be a JSON object {\"token\": \"<OIDC token>\"}")
        }
        guard let issuerURL = verifier.unverifiedIssuer(of: jwt) else { return refuse("invalid-payload", "malformed JWT") }
        guard let issuer = issuers[issuerURL] else { return refuse("invalid-payload", "unknown trusted publishing issuer") }
        let now = clock()
        let claims: IDTokenClaims
        switch await verifier.verify(jwt, issuer: issuer, now: now) {
        case .success(let verified): claims = verified
        case .failure(let error):
            return .refused(
                "Token request failed", [ExchangeError(code: "invalid-token", description: "malformed or invalid token")],
                logReason: error.reason)
        }
        let publisher: GitHubPublisher
        do {
            publisher = try await findPublisher(claims, issuer: issuer)
        } catch let mismatch as PublisherMismatch {
            return refuse("invalid-publisher", "valid token, but no corresponding publisher (\(mismatch.message))")
        }
        // Every GitHub ID token has a jti; one without cannot be protected from replay.
        guard let jti = claims["jti"], !jti.isEmpty, jti.utf8.count <= 128 else {
            return refuse("invalid-publisher", "valid token, but no corresponding publisher (Missing claim 'jti')")
        }
        guard try await replays.claimOnce(jti, scope: issuer.url, until: claims.expires &+ verifier.leeway, now: now) else {
            return refuse("invalid-reuse-token", "invalid token: already used")
        }
        let projectIDs: ProjectIDsCaveat
        do {
            projectIDs = try ProjectIDsCaveat(publisher.projectIDs)
        } catch {
            return refuse("invalid-publisher", "valid token, but no corresponding publisher (the publisher has no project)")
        }
        let expires = now &+ lifetime
        let minted = try await store.mint(
            NewToken(
                owner: .trustedPublisher(id: publisher.id), name: Self.tokenName(publisher: publisher, jti: jti),
                caveats: [projectIDs], expires: expires, additional: Self.additional(claims), prefix: prefix,
                location: location),
            now: now)
        return ExchangeResponse(
            status: 200, json: ["success": true, "token": minted.token, "expires": expires], minted: minted.info)
    }

    /// `POST /_/oidc/burn-token` with `{"token": "pypi-…"}` (uv sends it after publishing).
    ///
    /// Revokes the token if its signature verifies, it is one this exchange minted
    /// (owned by a trusted publisher), and it is the token as minted, not a copy
    /// restricted further: only its own bearer can burn it. Answers `{"success": true}`
    /// or a 422 refusal.
    public func burnToken(body: [UInt8]) async throws -> ExchangeResponse {
        func refuse(_ code: String, _ description: String) -> ExchangeResponse {
            .refused("Token burn failed", [ExchangeError(code: code, description: description)])
        }
        guard let text = Self.tokenField(of: body, maxBytes: maxBodyBytes) else {
            return refuse("invalid-payload", "the body must be a JSON object {\"token\": \"<API token>\"}")
        }
        guard let token = try? ServiceToken(parsing: text, expectedPrefix: prefix), let identifier = token.identifier,
              let record = try await store.token(id: identifier)
        else { return refuse("invalid-token", "unknown or revoked token") }
        // The signature first: a made-up token with a known identifier learns nothing about its owner.
        guard let verified = try? token.macaroon.verifySignature(key: record.rootKey) else {
            return refuse("invalid-token", "unknown or revoked token")
        }
        guard case .trustedPublisher = record.owner else {
            return refuse("invalid-token", "only tokens minted by trusted publishing can be burned")
        }
        guard Self.hasExactly(record.caveats, verified.root) else { return refuse("invalid-token", "unknown or revoked token") }
        do {
            try await store.delete(id: identifier, ownedBy: record.owner)
        } catch where error.code == .notFound {
            // Burned concurrently: the outcome the caller wants.
        }
        return ExchangeResponse(status: 200, json: ["success": true])
    }

    private func findPublisher(_ claims: IDTokenClaims, issuer: OIDCIssuer) async throws -> GitHubPublisher {
        switch issuer.kind {
        case .gitHubActions:
            // Split as `find` splits: at the first `/` byte (a `Character` search misses a `/` with combining marks).
            guard let repository = claims["repository"], let slash = repository.utf8.firstIndex(of: UInt8(ascii: "/")) else {
                return try GitHubPublisher.find(for: claims, among: [])
            }
            let candidates = try await directory.gitHubPublishers(
                repositoryOwner: String(repository[..<slash]), repositoryName: String(repository[repository.utf8.index(after: slash)...]))
            return try GitHubPublisher.find(for: claims, among: candidates)
        }
    }

    /// An exchange minting in `store`, which also claims the `jti`s.
    public init(
        verifier: IDTokenVerifier, issuers: [OIDCIssuer], directory: any TrustedPublisherDirectory,
        store: any TokenStore & ReplayGuard, location: String, prefix: String = "pypi", lifetime: Int64 = 900,
        maxBodyBytes: Int = 64 * 1024, clock: @escaping @Sendable () -> Int64 = UploadRequest.currentTime
    ) {
        self.init(
            verifier: verifier, issuers: issuers, directory: directory, store: store, replays: store, location: location,
            prefix: prefix, lifetime: lifetime, maxBodyBytes: maxBodyBytes, clock: clock)
    }

    /// Whether the macaroon's caveats are exactly the issued ones: the token as minted.
    static func hasExactly(_ issued: [[UInt8]], _ macaroon: Macaroon) -> Bool {
        guard macaroon.caveats.count == issued.count else { return false }
        for (caveat, bytes) in zip(macaroon.caveats, issued) {
            guard case .firstParty(let identifier) = caveat, identifier.elementsEqual(bytes) else { return false }
        }
        return true
    }

    /// The `token` string of a JSON object body, or `nil`.
    static func tokenField(of body: [UInt8], maxBytes: Int) -> String? {
        guard body.count <= maxBytes,
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let token = object["token"] as? String, !token.isEmpty
        else { return nil }
        return token
    }

    /// `OpenID token: <workflow> <jti>`: unique per publisher since each jti is used once.
    static func tokenName(publisher: GitHubPublisher, jti: String) -> String {
        let workflow = String(decoding: publisher.workflowFilename.utf8.prefix(64), as: UTF8.self)
        return "OpenID token: \(workflow) \(jti)"
    }

    /// The claims kept with the token: `{"oidc": {…}}`, the ones the publisher was matched on and the run's.
    static func additional(_ claims: IDTokenClaims) -> String {
        let kept = [
            "iss", "sub", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref", "workflow_ref",
            "environment", "ref", "sha", "jti", "run_id", "run_attempt", "actor",
        ]
        var oidc: [String: Any] = [:]
        for name in kept { if let value = claims[name] { oidc[name] = value } }
        oidc["exp"] = claims.expires
        oidc["iat"] = claims.issuedAt
        let data = (try? JSONSerialization.data(withJSONObject: ["oidc": oidc], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
#endif
