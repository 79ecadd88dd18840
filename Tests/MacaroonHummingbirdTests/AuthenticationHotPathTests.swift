#if Hummingbird
import Logging
import Macaroons
import MacaroonServerTestSupport
@testable import MacaroonServerSupport
import MacaroonTokens
import MetricsTestKit
import Testing

/// What the hot path's shortcuts (lookups timed only for a real metrics factory, revalidated
/// tokens sharing their verified part) must keep.
@Suite("Authentication hot path: metrics and remembered tokens as without its shortcuts")
struct AuthenticationHotPathTests {
    @Test("with a real metrics factory every store lookup is timed: first, remembered, unknown, revoked")
    func everyLookupTimed() async throws {
        let fixture = try await Fixture()
        let store = AuthenticatedTokenCacheTests.SwitchingStore(fixture.store)
        let metrics = TestMetrics()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: store, owners: AuthenticatedTokenCacheTests.SwitchingOwners(),
            logger: Logger(label: "test"), metricsFactory: metrics)
        for _ in 0..<3 { _ = try await authentication.authenticate(authorizationHeader: "Bearer \(fixture.accountToken)") }
        for token in [fixture.forgedToken, fixture.revokedToken, fixture.foreignToken] {
            _ = try? await authentication.authenticate(authorizationHeader: "Bearer \(token)")
        }
        // Malformed: never looked up, never timed.
        _ = try? await authentication.authenticate(authorizationHeader: "Bearer pypi-%%%")
        let lookups = store.lookups.withLock { $0 }
        #expect(lookups >= 5)
        #expect(try metrics.expectTimer(TokenAuthenticationMetrics.lookupDurationLabel).values.count == lookups)
    }

    @Test("revalidated copies of one remembered token keep their own record and owner status")
    func revalidatedCopiesAreIndependent() async throws {
        let fixture = try await Fixture()
        let owners = AuthenticatedTokenCacheTests.SwitchingOwners()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: fixture.store, owners: owners, logger: Logger(label: "test"), metricsFactory: TestMetrics())
        let header = "Bearer \(fixture.accountToken)"
        let first = try #require(try await authentication.authenticate(authorizationHeader: header))
        let second = try #require(try await authentication.authenticate(authorizationHeader: header))
        owners.disabled.withLock { $0 = true }
        await #expect(throws: TokenRefusal.self) { try await authentication.authenticate(authorizationHeader: header) }
        // The earlier requests' tokens are unchanged by the later request.
        #expect(first.token.ownerDenial == nil && second.token.ownerDenial == nil)
        #expect(first.token.ownerStatus == second.token.ownerStatus)
        #expect(try second.authorize(project: Fixture.project).isAllowed)
    }
}
#endif
