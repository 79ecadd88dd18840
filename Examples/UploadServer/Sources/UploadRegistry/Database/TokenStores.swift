import Logging
import MacaroonSQLite
import MacaroonTokens
import PostgresNIO

/// Opens the library's token stores for a store URL.
enum TokenStores {
    /// The SQLite token store in the registry's file.
    static func sqlite(path: String, keyRing: KeyRing, logger: Logger) throws -> any TokenStore {
        try SQLiteTokenStore(path: path, keyRing: keyRing, logger: logger)
    }

    static func postgres(client: PostgresClient, keyRing: KeyRing, logger: Logger) async throws -> any TokenStore {
        // TEMPORARY until MacaroonPostgres lands.
        InMemoryTokenStore(keyRing: keyRing) { logger.warning("\($0)") }
    }
}
