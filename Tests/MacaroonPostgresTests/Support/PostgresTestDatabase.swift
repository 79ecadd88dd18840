#if PostgreSQL
import MacaroonPostgres
import MacaroonTokens
import PostgresNIO

/// A fresh database on a test server with a running `PostgresClient`, and the
/// stores opened on it; ``withTestDatabase(on:_:)`` stops them all at the end.
final class PostgresTestDatabase: Sendable {
    let server: PostgresTestServer
    let name: String
    let client: PostgresClient
    private let tasks = Locked<[Task<Void, Never>]>([])
    static let logger: Logger = {
        var logger = Logger(label: "macaroons-postgres-tests")
        logger.logLevel = .error
        return logger
    }()

    fileprivate init(server: PostgresTestServer, name: String) {
        self.server = server
        self.name = name
        self.client = PostgresClient(configuration: server.clientConfiguration(database: name), backgroundLogger: Self.logger)
    }

    /// A migrated store on this database (another instance of a server, when called again).
    /// With a cache, its listener runs until the end of the test, and the store is returned once its cache serves.
    func openStore(
        keyRing: KeyRing = .unsealed, cache: PostgresTokenStore.CacheConfiguration? = nil,
        operationTimeout: Duration = .seconds(10), client: PostgresClient? = nil
    ) async throws -> PostgresTokenStore {
        let store = PostgresTokenStore(
            client: client ?? self.client,
            configuration: .init(keyRing: keyRing, cache: cache, operationTimeout: operationTimeout),
            logger: Self.logger)
        try await store.migrate()
        if cache != nil {
            run { try? await store.run() }
            try await waitUntil("the cache serves") { store.isCacheServing }
        }
        return store
    }

    /// A client of its own on this database (a second server instance), running until the end of the test.
    func makeClient() -> PostgresClient {
        let client = PostgresClient(configuration: server.clientConfiguration(database: name), backgroundLogger: Self.logger)
        run { await client.run() }
        return client
    }

    /// Runs `body` until the end of the test.
    func run(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        tasks.withLock { $0.append(task) }
    }

    fileprivate func stopAll() async {
        let running = tasks.withLock { $0 }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

/// Runs `body` with a fresh database on `server` (by default the shared test server).
func withTestDatabase<Value>(
    on server: PostgresTestServer? = nil, _ body: (PostgresTestDatabase) async throws -> Value
) async throws -> Value {
    let server = if let server { server } else { try await PostgresTestServer.shared() }
    let database = PostgresTestDatabase(server: server, name: try await server.makeDatabase())
    database.run { await database.client.run() }
    do {
        let value = try await body(database)
        await database.stopAll()
        return value
    } catch {
        await database.stopAll()
        throw error
    }
}

/// Waits until `condition` holds, checking every 10 ms, for at most `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestServerError("timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
#endif
