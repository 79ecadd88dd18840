#if PostgreSQL
import MacaroonPostgres
import MacaroonTokens
import Testing
import TokenStoreConformance

@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct PostgresReplayGuardTests {
    @Test func eachIdentifierIsClaimedOnceUntilItExpires() async throws {
        try await withTestDatabase { database in try await ReplayGuardCheck.claimsOnce(database.openStore()) }
    }

    @Test func twoInstancesLetOneClaimantWin() async throws {
        try await withTestDatabase { database in
            try await ReplayGuardCheck.oneClaimantWins([database.openStore(), database.openStore()])
        }
    }
}
#endif
