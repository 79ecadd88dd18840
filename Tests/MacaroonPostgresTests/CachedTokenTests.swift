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
}
#endif
