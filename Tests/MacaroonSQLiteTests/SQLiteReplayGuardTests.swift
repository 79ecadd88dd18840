#if SQLite
import MacaroonSQLite
import MacaroonTokens
import Testing
import TokenStoreConformance

@Suite struct SQLiteReplayGuardTests {
    @Test func eachIdentifierIsClaimedOnceUntilItExpires() async throws {
        try await ReplayGuardCheck.claimsOnce(SQLiteTokenStore(path: SQLiteFixture().path, keyRing: .unsealed, logger: quietLogger))
    }

    @Test func twoStoresOnOneFileLetOneClaimantWin() async throws {
        let fixture = SQLiteFixture()
        try await ReplayGuardCheck.oneClaimantWins((0..<2).map { _ in try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) })
    }
}
#endif
