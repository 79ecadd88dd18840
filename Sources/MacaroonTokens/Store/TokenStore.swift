/// Where a server keeps its tokens: one row per token, holding its root key
/// (sealed under a ``KeyRing``), its owner, and the caveats issued with it.
///
/// Every method either does all of its work in one transaction or none of it.
/// Every failure is a ``TokenStoreError``: operational failures (database down,
/// corrupt, keys not configured) are never verdicts; servers answer 503.
///
/// Implementations: ``InMemoryTokenStore`` (tests, examples), `MacaroonSQLite`'s
/// `SQLiteTokenStore` (trait `SQLite`) and the PostgreSQL store (trait `PostgreSQL`).
/// All of them pass one conformance suite (`Tests/TokenStoreConformance`).
public protocol TokenStore: Sendable {
    /// Mints a token and stores it, in one transaction; the token's text is returned
    /// once and its secret never leaves the store otherwise.
    ///
    /// - Throws: ``TokenStoreError/Code/duplicateName`` if the owner has a token with this name,
    ///   ``TokenStoreError/Code/invalidArgument`` for a bad name, expiry, prefix, location or `additional`.
    func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken

    /// The token with this identifier, with its root key; `nil` when there is none (never minted, deleted or purged).
    ///
    /// Expired tokens are still returned until purged: the verifier denies them.
    func token(id: String) async throws(TokenStoreError) -> TokenRecord?

    /// What ``token(id:)`` would answer now, when the store holds it in memory (a lookup cache
    /// serving a fresh entry); `nil` when only ``token(id:)`` can say, by waiting. Never staler
    /// than ``token(id:)``: a token whose delete has returned is never answered. Servers call it
    /// first on every request, so that a cached token costs no asynchronous call. The default
    /// answers `nil`.
    func cachedToken(id: String) -> TokenRecord?

    /// The owner's tokens, without keys, oldest first.
    func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo]

    /// Deletes a token if, and only if, it belongs to `owner`: this revokes it and every token restricted from it.
    ///
    /// - Throws: ``TokenStoreError/Code/notFound`` when the owner has no token with this id (whether it exists or not).
    func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError)

    /// Deletes every token of `owner` (an account closed, a publisher removed); returns how many.
    func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int

    /// Deletes the tokens whose expiry is at or before `now`; returns how many.
    func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int

    /// Sets `last_used` of each token to the time given (never moving it backwards);
    /// ids with no row are skipped. Called in batches by ``TokenUsageRecorder``.
    func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError)

    /// Re-seals every root key that is not sealed under the ring's current key
    /// (or seals unsealed ones); returns how many rows it rewrote. Readers keep
    /// working meanwhile. With no current key it does nothing and returns 0.
    func rewrap() async throws(TokenStoreError) -> Int
}

extension TokenStore {
    /// `nil`: ask ``token(id:)``.
    public func cachedToken(id: String) -> TokenRecord? { nil }

    /// Mints a token now.
    public func mint(_ token: NewToken) async throws(TokenStoreError) -> MintedStoredToken {
        try await mint(token, now: UploadRequest.currentTime())
    }

    /// Deletes the tokens expired by now.
    public func purgeExpired() async throws(TokenStoreError) -> Int {
        try await purgeExpired(now: UploadRequest.currentTime())
    }
}
