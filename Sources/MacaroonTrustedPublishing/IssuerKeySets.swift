#if TrustedPublishing
import Foundation
import JWTKit
import MacaroonHTTPFetch

/// The signing keys of OIDC issuers, fetched on demand and cached.
///
/// Keys are fetched from the issuer's configured JWKS URL, or discovered from
/// `<issuer>/.well-known/openid-configuration`. A token signed with a key id
/// that is not cached triggers a refresh, at most once per ``Policy/refreshFloor``
/// per issuer (so a flood of made-up key ids cannot make us flood the issuer);
/// concurrent refreshes of one issuer share one fetch. A failed or empty fetch
/// keeps the keys cached before it.
public actor IssuerKeySets {
    /// How keys are fetched and kept (Warehouse: a one-minute floor).
    public typealias Policy = KeyCachePolicy

    /// The keys of one issuer, as last fetched: for each `kid`, a collection holding
    /// that one key as an RS256 verifier.
    struct KeySet {
        var keys: [String: JWTKeyCollection] = [:]
        var fetchedAt: Int64 = .min
        var lastAttempt: Int64 = .min
    }

    private let fetcher: any DocumentFetcher
    private let policy: Policy
    private var sets: [String: KeySet] = [:]
    private var refreshing: [String: Task<Void, Never>] = [:]
    /// Called with a sentence when a fetch fails (no secrets in it).
    private let onFetchFailure: @Sendable (String) -> Void

    /// Key sets fetched with `fetcher`.
    public init(
        fetcher: any DocumentFetcher, policy: Policy = Policy(), onFetchFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.fetcher = fetcher
        self.policy = policy
        self.onFetchFailure = onFetchFailure
    }

    /// A key collection holding exactly the issuer's key `kid`, as an RS256 verifier,
    /// or `nil` when the issuer has no such key (after a refresh, if the floor allowed one).
    ///
    /// One key and one algorithm, fixed here: whatever jwt-kit reads from the token's
    /// header (its JSON parser may read a duplicated `kid` or `alg` differently from
    /// ours), it can verify with nothing else.
    func collection(for issuer: OIDCIssuer, kid: String, now: Int64) async -> JWTKeyCollection? {
        let current = sets[issuer.url]
        let stale = current.map { $0.fetchedAt == .min || now - $0.fetchedAt >= policy.maxAge } ?? true
        if let current, let key = current.keys[kid], !stale { return key }
        if let running = refreshing[issuer.url] {
            await running.value
        } else if current.map({ $0.lastAttempt == .min || now - $0.lastAttempt >= policy.refreshFloor }) ?? true {
            await refresh(issuer, now: now)
        }
        return sets[issuer.url]?.keys[kid]
    }

    /// Fetches the issuer's keys; callers arriving meanwhile await the same fetch.
    private func refresh(_ issuer: OIDCIssuer, now: Int64) async {
        sets[issuer.url, default: KeySet()].lastAttempt = now
        let fetcher = self.fetcher
        let maxBytes = policy.maxDocumentBytes
        let task = Task {
            let result: Result<[String: JWTKeyCollection], any Error>
            do {
                result = .success(try await Self.fetchKeys(of: issuer, fetcher: fetcher, maxBytes: maxBytes))
            } catch {
                result = .failure(error)
            }
            self.finishRefresh(issuer, result: result, now: now)
        }
        refreshing[issuer.url] = task
        await task.value
    }

    private func finishRefresh(_ issuer: OIDCIssuer, result: Result<[String: JWTKeyCollection], any Error>, now: Int64) {
        refreshing[issuer.url] = nil
        switch result {
        case .success(let keys):
            sets[issuer.url] = KeySet(keys: keys, fetchedAt: now, lastAttempt: now)
        case .failure(let error):
            onFetchFailure("fetching the keys of OIDC issuer \(issuer.url) failed: \(error)")
        }
    }

    private struct Discovery: Decodable {
        let jwks_uri: String
    }

    private static func fetchKeys(
        of issuer: OIDCIssuer, fetcher: any DocumentFetcher, maxBytes: Int
    ) async throws -> [String: JWTKeyCollection] {
        let jwksURL: String
        if let configured = issuer.jwksURL {
            jwksURL = configured
        } else {
            let base = issuer.url.hasSuffix("/") ? String(issuer.url.dropLast()) : issuer.url
            let document = try await fetcher.fetch(base + "/.well-known/openid-configuration", maxBytes: maxBytes)
            do {
                jwksURL = try JSONDecoder().decode(Discovery.self, from: Data(document)).jwks_uri
            } catch {
                throw DocumentFetchError("the OpenID configuration of \(issuer.url) has no jwks_uri")
            }
        }
        let document = try await fetcher.fetch(jwksURL, maxBytes: maxBytes)
        let entries: [KeyEntry]
        do {
            entries = try JSONDecoder().decode(KeySetDocument.self, from: Data(document)).keys
        } catch {
            throw DocumentFetchError("the key set at \(jwksURL) is not a JWKS")
        }
        var keys: [String: JWTKeyCollection] = [:]
        for entry in entries {
            // The first key of a kid counts (a set repeating one is the issuer's mistake).
            guard let found = entry.rs256Key, keys[found.kid] == nil else { continue }
            keys[found.kid] = await JWTKeyCollection().add(rsa: found.key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: found.kid))
        }
        guard !keys.isEmpty else { throw DocumentFetchError("the key set at \(jwksURL) has no usable RSA key") }
        return keys
    }

    /// A JWKS: `{"keys": [...]}`.
    private struct KeySetDocument: Decodable {
        let keys: [KeyEntry]
    }

    /// One entry of a JWKS, read leniently: an entry of another kind, with other
    /// fields or fields of other types, is skipped rather than spoiling the set.
    private struct KeyEntry: Decodable {
        let fields: [String: String]

        struct Name: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            var fields: [String: String] = [:]
            if let container = try? decoder.container(keyedBy: Name.self) {
                for name in ["kty", "kid", "alg", "use", "n", "e"] {
                    if let value = try? container.decode(String.self, forKey: Name(stringValue: name)) { fields[name] = value }
                }
            }
            self.fields = fields
        }

        /// The key, when this is an RSA signing key with a non-empty `kid`, for RS256
        /// (`alg` absent or `RS256`, `use` absent or `sig`), of at least 2048 bits.
        var rs256Key: (kid: String, key: Insecure.RSA.PublicKey)? {
            guard fields["kty"] == "RSA", let kid = fields["kid"], !kid.isEmpty, [nil, "RS256"].contains(fields["alg"]),
                  [nil, "sig"].contains(fields["use"]), let n = fields["n"], let e = fields["e"],
                  let key = try? Insecure.RSA.PublicKey(modulus: n, exponent: e)
            else { return nil }
            return (kid, key)
        }
    }
}
#endif
