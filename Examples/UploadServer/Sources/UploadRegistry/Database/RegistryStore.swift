import Logging
import MacaroonTokens
import PostgresNIO
import ServiceLifecycle

/// Everything a store URL opens: the token store and the registry's own
/// tables (users, projects, files), in one database.
public struct RegistryStore: Sendable {
    /// The tokens.
    public let tokens: any TokenStore
    /// Users, projects and files.
    public let registry: RegistryDatabase
    /// What a server must run while it uses the store (PostgreSQL's revocation listener).
    public var services: [any Service] = []

    /// Opens the store at `url` (sealing root keys with `keyRing`), brings the
    /// registry's tables up to date, and runs `body` with it. Whatever the store
    /// needs running meanwhile (PostgreSQL's connection pool) runs until `body` returns.
    /// `cacheLookups` turns on the token store's lookup cache (for servers; PostgreSQL's listener is in ``services``).
    public static func withStore<T: Sendable>(
        _ url: StoreURL, keyRing: KeyRing, cacheLookups: Bool = false, logger: Logger,
        _ body: @Sendable (RegistryStore) async throws -> T
    ) async throws -> T {
        switch url {
        case .sqlite(let path):
            let executor = try SQLiteExecutor.open(path: path)
            try await executor.migrate(RegistryMigrations.all)
            let registry = RegistryDatabase(executor: executor)
            let tokens = try TokenStores.sqlite(path: path, keyRing: keyRing, cache: cacheLookups, logger: logger)
            return try await body(RegistryStore(tokens: tokens, registry: registry))
        case .postgres(let host, let port, let user, let password, let database):
            let configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: .disable)
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                let executor = PostgresExecutor(client: client, logger: logger)
                try await executor.migrate(RegistryMigrations.all)
                let registry = RegistryDatabase(executor: executor)
                let tokens = try await TokenStores.postgres(client: client, keyRing: keyRing, cache: cacheLookups, logger: logger)
                return try await body(RegistryStore(tokens: tokens, registry: registry, services: [tokens]))
            }
        }
    }
}
