#if PostgreSQL
import MacaroonTokens
import PostgresNIO
import ServiceLifecycle

/// A ``TokenStore`` on PostgreSQL, through postgres-nio's pooled `PostgresClient`,
/// for servers with many instances sharing one database.
///
/// Run the client (`client.run()`) and the store (``run()``: the revocation
/// listener of the lookup cache) for the server's lifetime, e.g. both in one
/// swift-service-lifecycle `ServiceGroup`, and call ``migrate()`` once at start-up.
///
/// Every operation is one transaction and is bounded by
/// ``Configuration/operationTimeout``. A database that is down or too slow is a
/// ``TokenStoreError/Code/unavailable`` error (a server answers 503), never a verdict.
/// The schema, the migrations and the cache are described in Specs/token-store.md.
public final class PostgresTokenStore: TokenStore, Service {
    /// The client the store runs its queries through.
    public let client: PostgresClient
    /// The keys that seal and open root keys.
    public let keyRing: KeyRing
    /// The store's settings.
    public let configuration: Configuration
    let cache: LookupCache?
    let logger: Logger

    /// A store on `client`. Without a key-encryption key it logs ``KeyRing/unsealedWarning`` once, at warning level.
    public init(client: PostgresClient, configuration: Configuration = Configuration(), logger: Logger) {
        self.client = client
        self.keyRing = configuration.keyRing
        self.configuration = configuration
        self.cache = configuration.cache.map { LookupCache(timeToLive: $0.timeToLive, capacity: $0.capacity) }
        self.logger = logger
        if !keyRing.sealsKeys { logger.warning("\(KeyRing.unsealedWarning)") }
    }

    /// Brings the database's schema to this library's version (Specs/token-store.md); returns the versions applied.
    ///
    /// Safe to call from every instance at start-up: they take turns, and the first applies what is missing.
    /// - Throws: ``TokenStoreError/Code/corrupt`` if the schema is newer than this library, ``TokenStoreError/Code/unavailable``.
    @discardableResult
    public func migrate() async throws(TokenStoreError) -> [Int] {
        do {
            let applied = try await PostgresMigrations.migrate(client, now: UploadRequest.currentTime(), logger: logger)
            if !applied.isEmpty { logger.info("token store: applied PostgreSQL schema migrations \(applied)") }
            return applied
        } catch {
            throw TokenStoreError(postgres: error, during: "the schema migration")
        }
    }

    /// Runs the revocation listener while the lookup cache is on (see ``Configuration/cache``);
    /// without the cache, waits for shutdown. Returns on graceful shutdown or cancellation.
    public func run() async throws {
        guard let cache, let settings = configuration.cache else {
            try? await gracefulShutdown()
            return
        }
        let listener = RevocationListener(client: client, cache: cache, heartbeat: settings.heartbeat, logger: logger)
        await cancelWhenGracefulShutdown { await listener.run() }
    }

    /// Whether lookups are answered from the cache now: the cache is on and its listener connected.
    public var isCacheServing: Bool { cache?.isServing ?? false }

    // MARK: TokenStore

    public func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken {
        let (row, minted) = try StoredTokenRow.mint(token, now: now, keyRing: keyRing)
        do {
            try await perform("minting a token") { [client] in
                try await client.query(
                    """
                    INSERT INTO macaroon_tokens (id, user_id, publisher_id, description, created, expires, caveats, additional, key_id, root_key)
                    VALUES (\(row.id)::uuid, \(row.userID), \(row.publisherID), \(row.name), \(row.created), \(row.expires),
                            \(row.caveats)::json, \(row.additional)::json, \(row.keyID), \(ByteBuffer(bytes: row.rootKey)))
                    """)
            }
        } catch where error.code == .duplicateName {
            throw TokenStoreError.duplicateName(token.name, owner: token.owner)
        }
        return minted
    }

    /// The record of `id` from the lookup cache, when it is serving a fresh entry (its
    /// `LISTEN` connection up); otherwise `nil`: ask ``token(id:)``.
    public func cachedToken(id: String) -> TokenRecord? {
        cache?.hit(id)
    }

    public func token(id: String) async throws(TokenStoreError) -> TokenRecord? {
        guard let cache else { return try await lookUp(id) }
        switch cache.lookup(id) {
        case .hit(let record):
            return record
        case .miss(let ticket):
            let record = try await lookUp(id)
            cache.answer(record, for: id, ticket: ticket)
            return record
        case .unconfirmed:
            // Not with this store's cache: the listener confirms it, not checks.
            let record = try await lookUp(id)
            cache.answer(record, for: id, ticket: nil)
            return record
        }
    }

    public func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo] {
        let rows = try await perform("listing tokens") { [client] in
            let query: PostgresQuery = switch owner {
            case .user(let id): "SELECT \(unescaped: Self.listColumns) FROM macaroon_tokens WHERE user_id = \(id) ORDER BY created, id"
            case .trustedPublisher(let id): "SELECT \(unescaped: Self.listColumns) FROM macaroon_tokens WHERE publisher_id = \(id) ORDER BY created, id"
            }
            return try await Self.rows(client.query(query))
        }
        return try rows.map { (row) throws(TokenStoreError) in try row.info() }
    }

    public func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) {
        let deleted: [String]
        if Self.isCanonicalUUID(id) {
            deleted = try await deleteRows("deleting a token") {
                switch owner {
                case .user(let owner): "DELETE FROM macaroon_tokens WHERE id = \(id)::uuid AND user_id = \(owner) RETURNING id::text"
                case .trustedPublisher(let owner): "DELETE FROM macaroon_tokens WHERE id = \(id)::uuid AND publisher_id = \(owner) RETURNING id::text"
                }
            }
        } else {
            deleted = []
        }
        guard !deleted.isEmpty else {
            throw TokenStoreError.notFound(id: id, owner: owner)
        }
    }

    public func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int {
        try await deleteRows("deleting an owner's tokens") {
            switch owner {
            case .user(let id): "DELETE FROM macaroon_tokens WHERE user_id = \(id) RETURNING id::text"
            case .trustedPublisher(let id): "DELETE FROM macaroon_tokens WHERE publisher_id = \(id) RETURNING id::text"
            }
        }.count
    }

    public func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int {
        try await deleteRows("purging expired tokens") {
            "DELETE FROM macaroon_tokens WHERE expires <= \(now) RETURNING id::text"
        }.count
    }

    public func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError) {
        let uses = lastUsed.filter { Self.isCanonicalUUID($0.key) }
        guard !uses.isEmpty else { return }
        let ids = Array(uses.keys)
        let times = ids.map { uses[$0]! }
        // Rows locked by another writer are skipped: a lost `last_used` is acceptable, waiting is not.
        try await perform("recording token use") { [client] in
            try await client.query(
                """
                UPDATE macaroon_tokens AS t SET last_used = greatest(t.last_used, u.used)
                FROM unnest(\(ids)::uuid[], \(times)::int8[]) AS u(id, used)
                WHERE t.id = u.id
                  AND t.id IN (SELECT id FROM macaroon_tokens WHERE id = ANY(\(ids)::uuid[]) FOR UPDATE SKIP LOCKED)
                """)
        }
    }

    public func rewrap() async throws(TokenStoreError) -> Int {
        guard let current = keyRing.current else { return 0 }
        var total = 0
        while true {
            // One batch per transaction: rows are locked briefly, readers are never blocked.
            let count = try await perform("rewrapping root keys") { [client, keyRing, logger] in
                try await client.withTransaction(logger: logger) { connection in
                    let selected = try await connection.query(
                        """
                        SELECT id::text, key_id, root_key FROM macaroon_tokens WHERE key_id IS DISTINCT FROM \(current.id)
                        ORDER BY id LIMIT \(Self.rewrapBatch) FOR UPDATE
                        """, logger: logger)
                    var resealed: [(id: String, keyID: String?, bytes: [UInt8])] = []
                    for try await (id, keyID, stored) in selected.decode((String, String?, ByteBuffer).self) {
                        let sealed = keyRing.seal(try keyRing.open(keyID: keyID, bytes: Array(stored.readableBytesView)))
                        resealed.append((id, sealed.keyID, sealed.bytes))
                    }
                    for row in resealed {
                        try await connection.query(
                            "UPDATE macaroon_tokens SET key_id = \(row.keyID), root_key = \(ByteBuffer(bytes: row.bytes)) WHERE id = \(row.id)::uuid",
                            logger: logger)
                    }
                    return resealed.count
                }
            }
            total += count
            if count < Self.rewrapBatch { return total }
        }
    }

    // MARK: Queries

    /// The columns of a row, in ``StoredTokenRow``'s order.
    static let columns =
        "id::text, user_id, publisher_id, description, created, last_used, expires, caveats::text, additional::text, key_id, root_key"
    /// ``columns`` with an empty `root_key`: listings never read keys.
    private static let listColumns =
        "id::text, user_id, publisher_id, description, created, last_used, expires, caveats::text, additional::text, key_id, ''::bytea"
    private static let rewrapBatch = 500

    /// The row with this id, read from the database (never from the cache).
    private func lookUp(_ id: String) async throws(TokenStoreError) -> TokenRecord? {
        guard Self.isCanonicalUUID(id) else { return nil }
        let rows = try await perform("looking up a token") { [client] in
            var rows: [StoredTokenRow] = []
            for try await row in try await client.execute(TokenLookupStatement(id: id)) { rows.append(row) }
            return rows
        }
        return try rows.first?.record(keyRing: keyRing)
    }

    /// Runs a `DELETE … RETURNING id::text`, drops the deleted ids from this instance's cache
    /// (other instances hear of them from the trigger's notifications), and returns them.
    private func deleteRows(_ operation: String, _ query: @escaping @Sendable () -> PostgresQuery) async throws(TokenStoreError) -> [String] {
        let ids = try await perform(operation) { [client] in
            var ids: [String] = []
            for try await id in try await client.query(query()).decode(String.self) { ids.append(id) }
            return ids
        }
        if let cache { for id in ids { cache.invalidate(id) } }
        return ids
    }

    private static func rows(_ sequence: PostgresRowSequence) async throws -> [StoredTokenRow] {
        var rows: [StoredTokenRow] = []
        for try await row in sequence { rows.append(try storedRow(row)) }
        return rows
    }

    /// A row of ``columns`` as the shared row type.
    static func storedRow(_ row: PostgresRow) throws -> StoredTokenRow {
        let (id, userID, publisherID, name, created, lastUsed, expires, caveats, additional, keyID, rootKey) = try row.decode(
            (String, String?, String?, String, Int64, Int64?, Int64?, String, String?, String?, ByteBuffer).self)
        return StoredTokenRow(
            id: id, userID: userID, publisherID: publisherID, name: name, created: created, lastUsed: lastUsed,
            expires: expires, caveats: caveats, additional: additional, keyID: keyID, rootKey: Array(rootKey.readableBytesView))
    }

    /// Runs `body` within the operation timeout, mapping every failure to a ``TokenStoreError``.
    @discardableResult
    func perform<Value: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> Value) async throws(TokenStoreError) -> Value {
        do {
            return try await withDeadline(configuration.operationTimeout, operation: body)
        } catch {
            throw TokenStoreError(postgres: error, during: operation)
        }
    }

    /// Whether `id` is a UUID as the stores write them (36 bytes, lowercase hexadecimal):
    /// anything else cannot be a stored token, and is not sent to the database.
    static func isCanonicalUUID(_ id: String) -> Bool {
        var count = 0
        for (index, byte) in id.utf8.enumerated() {
            count += 1
            guard count <= 36 else { return false }
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) else {
                    return false
                }
            }
        }
        return count == 36
    }
}
#endif
