#if SQLite
import MacaroonSQLite
import MacaroonTokens
import Testing

@Suite struct SQLiteReplayGuardTests {
    @Test func eachIdentifierIsClaimedOnceUntilItExpires() async throws {
        let store = try SQLiteTokenStore(path: SQLiteFixture().path, keyRing: .unsealed, logger: quietLogger)
        #expect(try await store.claimOnce("a", scope: "iss", until: 100, now: 10))
        #expect(try await !store.claimOnce("a", scope: "iss", until: 100, now: 11))
        #expect(try await !store.claimOnce("a", scope: "iss", until: 200, now: 100))
        #expect(try await store.claimOnce("a", scope: "other", until: 100, now: 11))
        #expect(try await store.claimOnce("a", scope: "iss", until: 300, now: 101))
        await #expect(throws: TokenStoreError.self) { try await store.claimOnce("", scope: "iss", until: 1, now: 0) }
        // Refused as on PostgreSQL, whose text cannot hold U+0000.
        let nul = await #expect(throws: TokenStoreError.self) { try await store.claimOnce("a\u{0}", scope: "iss", until: 1, now: 0) }
        #expect(nul?.code == .invalidArgument)
    }

    @Test func twoStoresOnOneFileLetOneClaimantWin() async throws {
        let fixture = SQLiteFixture()
        let stores = try (0..<2).map { _ in try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) }
        for round in 0..<20 {
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask { try await stores[index % 2].claimOnce("jti-\(round)", scope: "iss", until: 1000, now: 1) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }
}
#endif
