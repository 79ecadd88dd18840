#if PostgreSQL
import MacaroonPostgres
import MacaroonTokens
import Testing

/// The database stopped in the middle of a run, on a server of the test's own:
/// verifications fail as operational errors (never a verdict, never from the
/// cache), and succeed again once it is back, in the same process.
@Suite(.enabled(if: PostgresTestServer.canStopAndStart, "the database outage tests need PostgreSQL's server programs (Debian: postgresql)"))
struct DatabaseOutageTests {
    @Test(arguments: [false, true])
    func verificationsFailWhileTheDatabaseIsDownAndRecover(cached: Bool) async throws {
        let server = try await PostgresTestServer.launch()
        defer { server.shutDown() }
        try await withTestDatabase(on: server) { database in
            let cache = cached ? PostgresTokenStore.CacheConfiguration(timeToLive: .seconds(600), heartbeat: .milliseconds(200)) : nil
            let store = try await database.openStore(cache: cache, operationTimeout: .seconds(2))
            let minted = try await store.mint(TestTokens.new("ci"))
            #expect(try await TestTokens.verify(minted.token, store).isAllowed)
            #expect(try await TestTokens.verify(minted.token, store).isAllowed)

            try await server.stop()
            if cached {
                try await waitUntil("the cache stops serving", timeout: .seconds(2)) { !store.isCacheServing }
            }
            // Every verification is now an operational failure: never allowed (from the cache), never denied.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        do {
                            let verdict = try await TestTokens.verify(minted.token, store)
                            Issue.record("a verification with the database down gave a verdict: \(verdict.verdict)")
                        } catch let error as TokenStoreError {
                            #expect(error.isOperational && error.code == .unavailable, "\(error)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let mintError = await #expect(throws: TokenStoreError.self) { try await store.mint(TestTokens.new("during the outage")) }
            #expect(mintError?.isOperational == true)

            try await server.start()
            try await waitUntil("verifications succeed again", timeout: .seconds(30)) {
                (try? await TestTokens.verify(minted.token, store))?.isAllowed == true
            }
            if cached {
                try await waitUntil("the cache serves again", timeout: .seconds(10)) { store.isCacheServing }
            }
            _ = try await store.mint(TestTokens.new("after the outage"))
            try await store.delete(id: minted.info.id, ownedBy: TestTokens.alice)
            #expect(try await TestTokens.verify(minted.token, store).verdict.reasons.map(\.code) == [.unknownIdentifier])
        }
    }
}
#endif
