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
    /// How keys are fetched and kept.
    public struct Policy: Sendable {
        /// The shortest time between two fetches for one issuer, seconds.
        public var refreshFloor: Int64
        /// Keys older than this are fetched again before use (kept if the fetch fails), seconds.
        public var maxAge: Int64
        /// The longest configuration or key-set document accepted, bytes.
        public var maxDocumentBytes: Int

        /// A policy; the defaults are Warehouse's one-minute floor, and an hour's age.
        public init(refreshFloor: Int64 = 60, maxAge: Int64 = 3600, maxDocumentBytes: Int = 256 * 1024) {
            self.refreshFloor = refreshFloor
            self.maxAge = maxAge
            self.maxDocumentBytes = maxDocumentBytes
        }
    }

    /// The keys of one issuer, as last fetched.
    struct KeySet {
        var kids: Set<String> = []
        var collection = JWTKeyCollection()
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

    /// A key collection holding the issuer's key `kid`, or `nil` when the issuer has no such key
    /// (after a refresh, if the floor allowed one).
    ///
    /// The collection may hold the issuer's other keys too; callers verify only
    /// tokens whose `kid` this returned a collection for, so jwt-kit never falls
    /// back to a default key.
    func collection(for issuer: OIDCIssuer, kid: String, now: Int64) async -> JWTKeyCollection? {
        let current = sets[issuer.url]
        let stale = current.map { $0.fetchedAt == .min || now - $0.fetchedAt >= policy.maxAge } ?? true
        if let current, current.kids.contains(kid), !stale { return current.collection }
        if let running = refreshing[issuer.url] {
            await running.value
        } else if current.map({ $0.lastAttempt == .min || now - $0.lastAttempt >= policy.refreshFloor }) ?? true {
            await refresh(issuer, now: now)
        }
        guard let set = sets[issuer.url], set.kids.contains(kid) else { return nil }
        return set.collection
    }

    /// Fetches the issuer's keys; callers arriving meanwhile await the same fetch.
    private func refresh(_ issuer: OIDCIssuer, now: Int64) async {
        sets[issuer.url, default: KeySet()].lastAttempt = now
        let fetcher = self.fetcher
        let maxBytes = policy.maxDocumentBytes
        let task = Task {
            let result: Result<(Set<String>, JWTKeyCollection), any Error>
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

    private func finishRefresh(_ issuer: OIDCIssuer, result: Result<(Set<String>, JWTKeyCollection), any Error>, now: Int64) {
        refreshing[issuer.url] = nil
        switch result {
        case .success(let (kids, collection)):
            sets[issuer.url] = KeySet(kids: kids, collection: collection, fetchedAt: now, lastAttempt: now)
        case .failure(let error):
            onFetchFailure("fetching the keys of OIDC issuer \(issuer.url) failed: \(error)")
        }
    }

    private struct Discovery: Decodable {
        let jwks_uri: String
    }

    private static func fetchKeys(
        of issuer: OIDCIssuer, fetcher: any DocumentFetcher, maxBytes: Int
    ) async throws -> (Set<String>, JWTKeyCollection) {
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
        let jwks: JWKS
        do {
            jwks = try JSONDecoder().decode(JWKS.self, from: Data(document))
        } catch {
            throw DocumentFetchError("the key set at \(jwksURL) is not a JWKS")
        }
        let collection = JWTKeyCollection()
        var kids: Set<String> = []
        for jwk in jwks.keys {
            // Only RSA keys with an id: the tokens we accept are RS256.
            guard jwk.keyType == .rsa, let kid = jwk.keyIdentifier?.string else { continue }
            do {
                try await collection.add(jwk: jwk)
                kids.insert(kid)
            } catch {
                continue
            }
        }
        guard !kids.isEmpty else { throw DocumentFetchError("the key set at \(jwksURL) has no usable RSA key") }
        return (kids, collection)
    }
}
#endif
