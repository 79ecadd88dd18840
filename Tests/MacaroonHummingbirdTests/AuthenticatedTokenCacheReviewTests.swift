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

/// Review 7 of the header-keyed cache of authenticated tokens: what an attacker can and cannot do with it.
@Suite("Authenticated-token cache, review 7")
struct AuthenticatedTokenCacheReviewTests {
    typealias Setup = AuthenticatedTokenCacheTests.Setup

    /// The key a header is found by holds its last 32 bytes: for a Bearer token, 24 bytes of its
    /// signature. It is a value of its own (a `Hashable` struct), with the default description,
    /// debug description and mirror, which print the four words in decimal.
    @Test("the ending a header is found by (24 bytes of its token's signature) prints redacted")
    func endingPrintsRedacted() async throws {
        let fixture = try await Fixture()
        let header = "Bearer \(fixture.accountToken)"
        let ending = try #require(AuthenticatedTokenCache.Ending(of: header))
        let tail = Array(header.utf8.suffix(AuthenticatedTokenCache.Ending.length))
        let words = stride(from: 0, to: tail.count, by: 8).map { offset in
            tail[offset..<(offset + 8)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
        var dumped = ""
        dump(ending, to: &dumped)
        for shown in [String(describing: ending), String(reflecting: ending), dumped] {
            for word in words { #expect(!shown.contains("\(word)"), "\(shown)") }
        }
    }

    /// Whitespace the parser trims (after a Bearer token, or around the password inside Basic
    /// credentials, where no framework trims it) would give one holder any number of header
    /// endings for one token; if each were remembered, `capacity` of them would empty the cache
    /// for everyone. Such headers are authenticated but not remembered.
    @Test("one holder's whitespace spellings of one token do not evict other tokens' entries")
    func spellingsOfOneTokenDoNotEvictOthers() async throws {
        let setup = try await Setup(capacity: 8)
        let cache = try #require(setup.authentication.authenticatedTokens)
        let other = "Bearer \(setup.fixture.projectToken)"
        _ = try #require(try await setup.authentication.authenticate(authorizationHeader: other))
        #expect(cache.entry(for: other) != nil)
        for spaces in 1...cache.capacity {
            let spelled = "Basic " + Fixture.basicCredentials(setup.fixture.accountToken + String(repeating: " ", count: spaces))
            let token = try #require(try await setup.authentication.authenticate(authorizationHeader: spelled))
            #expect(try token.authorize(project: Fixture.project).isAllowed, "a spelling with \(spaces) spaces is the same token")
        }
        #expect(cache.count <= cache.capacity, "bounded")
        #expect(cache.entry(for: other) != nil, "another token's entry was emptied by one holder's \(cache.capacity) spellings")
    }

    /// With the fast path on (no metrics, no tracing): headers that differ from the remembered one
    /// only in ways the parser ignores are never answered from memory, and are verified instead.
    @Test("the fast path answers only the exact header: scheme case, whitespace, Substring-derived and rebuilt strings")
    func fastPathExactHeaderOnly() async throws {
        let fixture = try await Fixture()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: fixture.store, owners: TestOwnerPolicy(), logger: Logger(label: "test"),
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer(), authenticatedTokenCapacity: 16)
        #expect(authentication.answersFromMemory)
        let cache = try #require(authentication.authenticatedTokens)
        let header = "Bearer \(fixture.accountToken)"
        _ = try #require(try await authentication.authenticate(authorizationHeader: header))
        // Equal bytes built other ways are found (the cache compares bytes, not storage).
        let rebuilt = String(decoding: Array(header.utf8), as: UTF8.self)
        let fromSubstring = String(("xx" + header + "yy").dropFirst(2).dropLast(2))
        #expect(cache.entry(for: rebuilt) != nil && cache.entry(for: fromSubstring) != nil)
        // Spellings the parser accepts but that are other bytes are not.
        for spelling in ["bearer \(fixture.accountToken)", "Bearer  \(fixture.accountToken)", "Bearer\t\(fixture.accountToken)",
                         " Bearer \(fixture.accountToken)", "token \(fixture.accountToken)"] {
            #expect(cache.entry(for: spelling) == nil, "\(spelling.prefix(9))")
        }
        // A non-ASCII byte in place of an ASCII one in the token (same length in bytes is impossible
        // for one scalar, so two bytes for two): never found, and refused.
        var bytes = Array(header.utf8)
        let middle = bytes.count / 2
        bytes.replaceSubrange(middle..<(middle + 2), with: Array("é".utf8))
        let accented = String(decoding: bytes, as: UTF8.self)
        #expect(accented.utf8.count == header.utf8.count && cache.entry(for: accented) == nil)
        await #expect(throws: TokenRefusal.self) { try await authentication.authenticate(authorizationHeader: accented) }
    }
    /// The fast path's own refusals: with the store's record AND the owner's status in memory (the
    /// only case where it answers), a disabled owner, a re-keyed record and a revoked token get the
    /// verdicts and reasons of the asynchronous path. (The hot-path tests give only one of the two
    /// from memory, so the fast path gave up before its checks: removing `stored.ownerDenial == nil`
    /// from it went unnoticed.)
    @Test("the fast path with record and owner in memory refuses a disabled owner, a re-keyed record, a revoked token")
    func fastPathRefusalsWithEverythingInMemory() async throws {
        let fixture = try await Fixture()
        let store = AuthenticatedTokenCacheTests.SwitchingStore(fixture.store)
        let owners = AuthenticationHotPathTests.MemoryOwners()
        let authentication = AuthenticationHotPathTests.untimed(fixture, store: store, owners: owners)
        #expect(authentication.answersFromMemory)
        let header = "Bearer \(fixture.accountToken)"
        let first = try #require(try await authentication.authenticate(authorizationHeader: header))
        let record = try #require(try await fixture.store.token(id: first.id))
        store.inMemory.withLock { $0 = record }
        owners.inMemory.withLock { $0 = .active() }
        _ = try #require(try await authentication.authenticate(authorizationHeader: header))
        #expect(store.lookups.withLock { $0 } == 1 && owners.asked.withLock { $0 } == 1, "answered from memory")

        func refusal() async -> [DenialReason.Code]? {
            do {
                _ = try await authentication.authenticate(authorizationHeader: header)
                return nil
            } catch {
                return error.reasons.map(\.code)
            }
        }
        owners.inMemory.withLock { $0 = .disabled(reason: "frozen") }
        #expect(await refusal() == [.ownerDisabled], "a disabled owner's token, answered from memory")
        owners.inMemory.withLock { $0 = .active() }
        store.inMemory.withLock { $0 = TokenRecord(info: record.info, rootKey: MacaroonKey(derivingFrom: MacaroonKey.generateSecret())) }
        store.rekeyed.withLock { $0 = true }
        #expect(await refusal() == [.invalidSignature], "a re-keyed record in memory")
        store.rekeyed.withLock { $0 = false }
        store.inMemory.withLock { $0 = nil }
        try await fixture.store.delete(id: first.id, ownedBy: first.owner)
        #expect(await refusal() == [.unknownIdentifier], "a revoked token")
    }
    /// With metrics (or tracing) on, every request's lookup is timed, even when the store and the
    /// policy could answer from memory: the fast path stays off. (Forcing `answersFromMemory` on
    /// went unnoticed: the timing test's store and policy answer nothing from memory.)
    @Test("with a real metrics factory, a remembered header with record and owner in memory is still looked up and timed")
    func metricsKeepTheFastPathOff() async throws {
        let fixture = try await Fixture()
        let store = AuthenticatedTokenCacheTests.SwitchingStore(fixture.store)
        let owners = AuthenticationHotPathTests.MemoryOwners()
        let metrics = TestMetrics()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: store, owners: owners, logger: Logger(label: "test"),
            metricsFactory: metrics, tracer: NoOpTracer())
        let header = "Bearer \(fixture.accountToken)"
        let first = try #require(try await authentication.authenticate(authorizationHeader: header))
        let record = try #require(try await fixture.store.token(id: first.id))
        store.inMemory.withLock { $0 = record }
        owners.inMemory.withLock { $0 = .active() }
        for _ in 0..<3 { _ = try #require(try await authentication.authenticate(authorizationHeader: header)) }
        #expect(store.lookups.withLock { $0 } == 4, "every request asks the store, timed")
        #expect(try metrics.expectTimer(TokenAuthenticationMetrics.lookupDurationLabel).values.count == 4)
    }
}
#endif
