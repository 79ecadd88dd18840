#if PostgreSQL
import MacaroonPostgres
import MacaroonTokens
import Testing

@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct PostgresReplayGuardTests {
    @Test func eachIdentifierIsClaimedOnceUntilItExpires() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            #expect(try await store.claimOnce("a", scope: "iss", until: 100, now: 10))
            #expect(try await !store.claimOnce("a", scope: "iss", until: 100, now: 11))
            #expect(try await !store.claimOnce("a", scope: "iss", until: 200, now: 100))
            #expect(try await store.claimOnce("a", scope: "other", until: 100, now: 11))
            #expect(try await store.claimOnce("a", scope: "iss", until: 300, now: 101))
            // U+0000, which PostgreSQL's text cannot hold: the caller's error, never an outage.
            for (identifier, scope) in [("a\u{0}", "iss"), ("a", "\u{0}")] {
                let error = await #expect(throws: TokenStoreError.self) { try await store.claimOnce(identifier, scope: scope, until: 1, now: 0) }
                #expect(error?.code == .invalidArgument)
            }
        }
    }

    @Test func twoInstancesLetOneClaimantWin() async throws {
        try await withTestDatabase { database in
            let stores = [try await database.openStore(), try await database.openStore()]
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
}
#endif
