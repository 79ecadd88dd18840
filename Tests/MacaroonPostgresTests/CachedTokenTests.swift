#if PostgreSQL
@testable import MacaroonPostgres
import MacaroonTokens
import PostgresNIO
import Testing

/// `cachedToken(id:)` asked on its own, as `TokenAuthentication` asks it first on every request
/// of a server without metrics or tracing: never what `token(id:)` would not answer.
@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct CachedTokenTests {
    /// A heartbeat far longer than the test: the listener's last statement stays its `LISTEN`.
    static let cache = PostgresTokenStore.CacheConfiguration(timeToLive: .seconds(600), heartbeat: .seconds(600))

    /// Another instance's delete: once heard, nothing from memory; and its own delete at once.
    @Test func deletesByEitherInstanceStopTheAnswerFromMemory() async throws {
        try await withTestDatabase { database in
            let a = try await database.openStore(cache: Self.cache)
            let b = try await database.openStore(cache: Self.cache, client: database.makeClient())
            let first = try await a.mint(TestTokens.new("first"))
            let second = try await a.mint(TestTokens.new("second"))
            for id in [first.info.id, second.info.id] {
                #expect(try await b.token(id: id) != nil)
                #expect(b.cachedToken(id: id) != nil)
            }
            try await a.delete(id: first.info.id, ownedBy: TestTokens.alice)
            try await waitUntil("B hears the delete from memory alone", timeout: .seconds(2)) { b.cachedToken(id: first.info.id) == nil }
            #expect(try await b.token(id: first.info.id) == nil)
            try await b.delete(id: second.info.id, ownedBy: TestTokens.alice)
            #expect(b.cachedToken(id: second.info.id) == nil, "answered from memory after its delete returned")
        }
    }

    /// The listener's connection killed by the server (an administrator, a failover): nothing is
    /// answered from memory until it is back, and a token deleted meanwhile (its notification
    /// lost) is not answered from memory afterwards.
    @Test func nothingFromMemoryWhileTheListenerIsDownNorAfterward() async throws {
        try await withTestDatabase { database in
            let a = try await database.openStore(cache: Self.cache)
            let minted = try await a.mint(TestTokens.new("listener"))
            let kept = try await a.mint(TestTokens.new("kept"))
            #expect(try await a.token(id: minted.info.id) != nil)
            #expect(try await a.token(id: kept.info.id) != nil)
            #expect(a.cachedToken(id: minted.info.id) != nil)

            let killed = try await database.client.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()
                """)
            var count = 0
            for try await _ in killed { count += 1 }
            try #require(count >= 1, "the listener's backend was found")
            try await waitUntil("the cache stops serving", timeout: .seconds(5)) { !a.isCacheServing }
            #expect(a.cachedToken(id: minted.info.id) == nil && a.cachedToken(id: kept.info.id) == nil)

            // Deleted while nobody listens: no notification reaches this instance.
            try await database.client.query("DELETE FROM macaroon_tokens WHERE id = \(minted.info.id)::uuid")
            try await waitUntil("the cache serves again", timeout: .seconds(10)) { a.isCacheServing }
            #expect(a.cachedToken(id: minted.info.id) == nil, "a token deleted while the listener was down answered from memory")
            #expect(try await a.token(id: minted.info.id) == nil)
            #expect(try await a.token(id: kept.info.id) != nil)
            #expect(a.cachedToken(id: kept.info.id) != nil, "cached again once serving")
        }
    }
}
#endif
