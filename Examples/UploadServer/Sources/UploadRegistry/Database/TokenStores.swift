import Logging
import MacaroonPostgres
import MacaroonSQLite
import MacaroonTokens
import PostgresNIO

/// Opens the library's token stores for a store URL.
enum TokenStores {
    /// How long a cached lookup is served, on either backend: the bound on how long a
    /// revocation through another instance can go unnoticed, as on PyPI.
    static let cacheTimeToLive = Duration.seconds(5)

    /// The SQLite token store in the registry's file. With `cache`, lookups are cached and
    /// the file is checked for other processes' commits (e.g. `tokens revoke`) every 100 ms.
    static func sqlite(path: String, keyRing: KeyRing, cache: Bool, logger: Logger) throws -> any TokenStore {
        try SQLiteTokenStore(
            path: path, configuration: .init(keyRing: keyRing, cache: cache ? .init(timeToLive: cacheTimeToLive) : nil), logger: logger)
    }

    /// The PostgreSQL token store on `client`, migrated. With `cache`, lookups are cached
    /// for a few seconds and invalidated across instances by LISTEN/NOTIFY: run the store
    /// (its listener) as a service for as long as it is used.
    static func postgres(client: PostgresClient, keyRing: KeyRing, cache: Bool, logger: Logger) async throws -> PostgresTokenStore {
        let store = PostgresTokenStore(
            client: client,
            configuration: .init(keyRing: keyRing, cache: cache ? .init(timeToLive: cacheTimeToLive) : nil),
            logger: logger)
        try await store.migrate()
        return store
    }
}
