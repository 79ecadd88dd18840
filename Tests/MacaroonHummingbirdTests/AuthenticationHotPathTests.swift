#if Hummingbird
import Logging
import Macaroons
import MacaroonServerTestSupport
@testable import MacaroonServerSupport
import MacaroonTokens
import Metrics
import MetricsTestKit
import Testing
import Tracing

/// What the hot path's shortcuts (lookups timed only for a real metrics factory, revalidated
/// tokens sharing their verified part, the store's and the owner policy's answers from memory)
/// must keep.
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
    /// An owner policy whose answer from memory is set by the test; its asynchronous answer is active.
    final class MemoryOwners: TokenOwnerPolicy {
        let inMemory = Locked<TokenOwnerStatus?>(nil)
        let asked = Locked(0)
        func cachedStatus(of owner: TokenOwner) -> TokenOwnerStatus? { inMemory.withLock { $0 } }
        func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
            asked.withLock { $0 += 1 }
            return .active()
        }
    }

    /// Authentication as a server without metrics or tracing runs it: the no-op factory and tracer.
    static func untimed(_ fixture: Fixture, store: any TokenStore, owners: any TokenOwnerPolicy) -> TokenAuthentication {
        TokenAuthentication(
            verifier: fixture.verifier, store: store, owners: owners, logger: Logger(label: "test"),
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer())
    }

    @Test("the store's answer from memory is taken without asking the store, and checked like its answer")
    func storeAnswerFromMemory() async throws {
        let fixture = try await Fixture()
        let store = AuthenticatedTokenCacheTests.SwitchingStore(fixture.store)
        let authentication = Self.untimed(fixture, store: store, owners: MemoryOwners())
        let header = "Bearer \(fixture.accountToken)"
        let token = try #require(try await authentication.authenticate(authorizationHeader: header))
        #expect(store.lookups.withLock { $0 } == 1, "nothing in memory: the store is asked")
        let record = try #require(try await fixture.store.token(id: token.id))

        store.inMemory.withLock { $0 = record }
        for _ in 0..<3 { _ = try #require(try await authentication.authenticate(authorizationHeader: header)) }
        #expect(store.lookups.withLock { $0 } == 1 && store.askedInMemory.withLock { $0 } >= 4, "answered from memory")

        // A record in memory under another key is checked as the store's answer would be: refused.
        store.inMemory.withLock { $0 = TokenRecord(info: record.info, rootKey: MacaroonKey(derivingFrom: MacaroonKey.generateSecret())) }
        do {
            _ = try await authentication.authenticate(authorizationHeader: header)
            Issue.record("a token was accepted under a key it was not signed with")
        } catch {
            #expect(error.reasons.map(\.code) == [.invalidSignature])
        }
        // Nothing in memory, and the token revoked: the store's answer counts.
        store.inMemory.withLock { $0 = nil }
        try await fixture.store.delete(id: token.id, ownedBy: token.owner)
        do {
            _ = try await authentication.authenticate(authorizationHeader: header)
            Issue.record("a revoked token was accepted")
        } catch {
            #expect(error.reasons.map(\.code) == [.unknownIdentifier])
        }
    }

    @Test("the owner policy's answer from memory is taken without asking the policy, and a disabled owner is refused")
    func ownerAnswerFromMemory() async throws {
        let fixture = try await Fixture()
        let owners = MemoryOwners()
        let authentication = Self.untimed(fixture, store: fixture.store, owners: owners)
        let header = "Bearer \(fixture.accountToken)"
        _ = try #require(try await authentication.authenticate(authorizationHeader: header))
        #expect(owners.asked.withLock { $0 } == 1, "nothing in memory: the policy is asked")

        owners.inMemory.withLock { $0 = .active() }
        for _ in 0..<3 { _ = try #require(try await authentication.authenticate(authorizationHeader: header)) }
        #expect(owners.asked.withLock { $0 } == 1, "answered from memory")

        owners.inMemory.withLock { $0 = .disabled(reason: "frozen") }
        do {
            _ = try await authentication.authenticate(authorizationHeader: header)
            Issue.record("a disabled owner's token was accepted")
        } catch {
            #expect(error.reasons.map(\.code) == [.ownerDisabled])
        }
        owners.inMemory.withLock { $0 = nil }
        _ = try #require(try await authentication.authenticate(authorizationHeader: header))
        #expect(owners.asked.withLock { $0 } == 2)
    }
}
#endif
