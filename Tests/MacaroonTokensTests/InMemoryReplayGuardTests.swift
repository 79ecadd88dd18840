import MacaroonTokens
import Testing
import TokenStoreConformance

/// The replay-guard checks every store passes, on the in-memory store.
@Suite struct InMemoryReplayGuardTests {
    @Test func eachIdentifierIsClaimedOnceUntilItExpires() async throws {
        try await ReplayGuardCheck.claimsOnce(InMemoryTokenStore())
    }

    @Test func concurrentClaimantsOfOneIdentifierLetOneWin() async throws {
        try await ReplayGuardCheck.oneClaimantWins([InMemoryTokenStore()])
    }
}
