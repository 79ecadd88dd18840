#if PostgreSQL
import Macaroons
@testable import MacaroonPostgres
import MacaroonTokens
import Testing

/// The lookup cache on its own: what it serves, and when it refuses to.
@Suite struct LookupCacheTests {
    static func record(_ id: String) -> TokenRecord {
        TokenRecord(
            info: TokenInfo(id: id, owner: .user(id: "alice"), name: id, created: 0),
            rootKey: MacaroonKey(derivingFrom: [UInt8](repeating: 7, count: 32)))
    }

    static func cached(_ cache: LookupCache, _ id: String) -> Bool {
        if case .hit = cache.lookup(id) { return true }
        return false
    }

    /// Fills `id` as a lookup would, returning whether the record was cached.
    static func fill(_ cache: LookupCache, _ id: String) -> Bool {
        guard case .miss(let ticket) = cache.lookup(id) else { return false }
        cache.insert(record(id), ticket: ticket)
        return cached(cache, id)
    }

    @Test func servesOnlyWhileTheListenerIsUp() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        #expect(!Self.fill(cache, "a"), "nothing is cached before the listener is up")
        cache.listenerUp()
        #expect(Self.fill(cache, "a"))
        cache.listenerDown()
        #expect(!cache.isServing)
        #expect(cache.count == 0, "a listener that drops flushes the cache")
        #expect(!Self.fill(cache, "a"))
        cache.listenerUp()
        #expect(cache.count == 0)
        #expect(Self.fill(cache, "a"))
    }

    @Test func anInvalidationDuringALookupDropsItsResult() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.listenerUp()
        guard case .miss(let ticket) = cache.lookup("a") else { Issue.record("expected a miss"); return }
        cache.invalidate("a")  // the row's deletion is heard while its lookup was in flight
        cache.insert(Self.record("a"), ticket: ticket)
        #expect(!Self.cached(cache, "a"))

        guard case .miss(let second) = cache.lookup("b") else { Issue.record("expected a miss"); return }
        cache.listenerDown()
        cache.listenerUp()
        cache.insert(Self.record("b"), ticket: second)
        #expect(!Self.cached(cache, "b"), "a lookup that started before the listener reconnected is not cached")
    }

    @Test func invalidationRemovesOneTokenOrAll() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.listenerUp()
        #expect(Self.fill(cache, "a") && Self.fill(cache, "b") && Self.fill(cache, "c"))
        cache.invalidate("b")
        #expect(Self.cached(cache, "a") && !Self.cached(cache, "b") && Self.cached(cache, "c"))
        cache.invalidateAll()
        #expect(cache.count == 0)
    }

    @Test func entriesExpire() async throws {
        let cache = LookupCache(timeToLive: .milliseconds(50), capacity: 10)
        cache.listenerUp()
        #expect(Self.fill(cache, "a"))
        try await Task.sleep(for: .milliseconds(80))
        #expect(!Self.cached(cache, "a"))
        #expect(cache.count == 0)
    }

    @Test func aFullCacheIsFlushed() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 3)
        cache.listenerUp()
        #expect(Self.fill(cache, "a") && Self.fill(cache, "b") && Self.fill(cache, "c"))
        #expect(Self.fill(cache, "d"))
        #expect(cache.count == 1)
    }

    @Test func canonicalUUIDs() {
        #expect(PostgresTokenStore.isCanonicalUUID("0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d10"))
        for id in [
            "", "0B7A4BD4-0A2C-4BD8-9B5E-1E5F3C2A9D10", "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d1",
            "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d100", "0b7a4bd40a2c-4bd8-9b5e-1e5f3c2a9d10-", "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d1g",
            "'; DROP TABLE macaroon_tokens; --",
        ] {
            #expect(!PostgresTokenStore.isCanonicalUUID(id), "\(id)")
        }
    }
}
#endif
