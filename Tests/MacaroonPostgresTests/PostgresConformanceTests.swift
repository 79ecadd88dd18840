#if PostgreSQL
import MacaroonPostgres
import MacaroonTokens
import PostgresNIO
import Testing
import TokenStoreConformance

/// A fresh database; every store opened on it is another server instance on the same data.
struct PostgresFixture: TokenStoreFixture {
    let database: PostgresTestDatabase
    let cache: PostgresTokenStore.CacheConfiguration?

    func open(keyRing: KeyRing) async throws -> any TokenStore {
        try await database.openStore(keyRing: keyRing, cache: cache)
    }

    var cachesLookups: Bool { cache != nil }

    /// A dump of the table: every column of every row, `root_key` as its bytes.
    /// (Not the server's files: see Specs/token-store.md on file copies and rewrap.)
    func rawStorage() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        let rows = try await database.client.query(
            """
            SELECT concat_ws(' ', id::text, user_id, publisher_id, description, created, last_used, expires, caveats::text, additional::text, key_id), root_key
            FROM macaroon_tokens
            """)
        for try await (text, key) in rows.decode((String, ByteBuffer).self) {
            bytes += text.utf8
            bytes += key.readableBytesView
        }
        return bytes
    }
}

/// The conformance suite on PostgreSQL, without and with the lookup cache.
@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct PostgresConformanceTests {
    @Test(arguments: ConformanceCheck.all)
    func uncached(_ check: ConformanceCheck) async throws {
        try await withTestDatabase { try await check.run(on: PostgresFixture(database: $0, cache: nil)) }
    }

    @Test(arguments: ConformanceCheck.all)
    func cached(_ check: ConformanceCheck) async throws {
        try await withTestDatabase { try await check.run(on: PostgresFixture(database: $0, cache: .init())) }
    }
}
#endif
