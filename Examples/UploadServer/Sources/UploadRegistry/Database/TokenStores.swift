import Logging
import MacaroonPostgres
import MacaroonSQLite
import MacaroonTokens
import PostgresNIO

/// Opens the library's token stores for a store URL.
enum TokenStores {
    /// The SQLite token store in the registry's file.
    static func sqlite(path: String, keyRing: KeyRing, logger: Logger) throws -> any TokenStore {
        try SQLiteTokenStore(path: path, keyRing: keyRing, logger: logger)
    }

    /// The PostgreSQL token store on `client`, migrated. With `cache`, lookups are cached
    /// for a few seconds and invalidated across instances by LISTEN/NOTIFY: run the store
    /// (its listener) as a service for as long as it is used.
    static func postgres(client: PostgresClient, keyRing: KeyRing, cache: Bool, logger: Logger) async throws -> PostgresTokenStore {
        let store = PostgresTokenStore(
            client: client,
            configuration: .init(keyRing: keyRing, cache: cache ? .init(timeToLive: .seconds(5)) : nil),
            logger: logger)
        try await store.migrate()
        return store
    }
}
