import Foundation
import MacaroonPostgres
import MacaroonTokens
import PostgresNIO

/// The PostgreSQL stores of the store benchmarks, on the server at
/// `MACAROONS_POSTGRES_URL` (run the benchmarks under `scripts/with-postgres`,
/// which starts a throwaway server as the tests do). Without it, the PostgreSQL
/// scenarios are not registered and a line says so.
enum PostgresStores {
    static let url = ProcessInfo.processInfo.environment["MACAROONS_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Mints 10,000 tokens (sealed) and the measured one, and starts the client and the cache's listener;
    /// `nil` without `MACAROONS_POSTGRES_URL`.
    static func setUp(keyRing: KeyRing) async throws -> (uncached: PostgresTokenStore, cached: PostgresTokenStore, token: String)? {
        guard let url else { return nil }
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            fatalError("MACAROONS_POSTGRES_URL is not postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        var logger = Logger(label: "store-benchmarks")
        logger.logLevel = .error
        let client = PostgresClient(
            configuration: .init(
                host: host, port: components.port ?? 5432, username: user, password: components.password,
                database: components.path.isEmpty ? nil : String(components.path.dropFirst()), tls: .disable),
            backgroundLogger: logger)
        Task.detached { await client.run() }
        let uncached = PostgresTokenStore(client: client, configuration: .init(keyRing: keyRing), logger: logger)
        let cached = PostgresTokenStore(client: client, configuration: .init(keyRing: keyRing, cache: .init()), logger: logger)
        try await uncached.migrate()
        Task.detached { try await cached.run() }
        // A run-specific owner prefix, so that a database kept between runs takes new names.
        let token = try await StoreFixture.fill(uncached, owners: "user-\(UInt32.random(in: 0...UInt32.max))")
        while !cached.isCacheServing { try await Task.sleep(for: .milliseconds(10)) }
        return (uncached, cached, token)
    }
}
