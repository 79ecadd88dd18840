import Macaroons
import MacaroonTokens
import Testing

/// The lookup cache of the database stores on its own: what it serves, and when it refuses to.
@Suite struct LookupCacheTests {
    static func record(_ id: String) -> TokenRecord {
        TokenRecord(
            info: TokenInfo(id: id, owner: .user(id: "alice"), name: id, created: 0),
            rootKey: MacaroonKey(derivingFrom: [UInt8](repeating: 7, count: 32)))
    }

    static func cached(_ cache: LookupCache, _ id: String) -> Bool {
        cache.hit(id) != nil
    }

    /// Fills `id` as a lookup would, returning whether the record was cached.
    static func fill(_ cache: LookupCache, _ id: String) -> Bool {
        guard case .miss(let ticket) = cache.lookup(id) else { return false }
        cache.insert(record(id), ticket: ticket)
        return cached(cache, id)
    }

    @Test func servesOnlyWhileStarted() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        #expect(!Self.fill(cache, "a"), "nothing is cached before the backend starts it")
        cache.startServing()
        #expect(Self.fill(cache, "a"))
        cache.stopServing()
        #expect(!cache.isServing)
        #expect(cache.count == 0, "stopping flushes the cache")
        #expect(!Self.fill(cache, "a"))
        cache.startServing()
        #expect(cache.count == 0)
        #expect(Self.fill(cache, "a"))
    }

    @Test func anInvalidationDuringALookupDropsItsResult() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.startServing()
        guard case .miss(let ticket) = cache.lookup("a") else { Issue.record("expected a miss"); return }
        cache.invalidate("a")  // the row's deletion is heard while its lookup was in flight
        cache.insert(Self.record("a"), ticket: ticket)
        #expect(!Self.cached(cache, "a"))

        guard case .miss(let second) = cache.lookup("b") else { Issue.record("expected a miss"); return }
        cache.stopServing()
        cache.startServing()
        cache.insert(Self.record("b"), ticket: second)
        #expect(!Self.cached(cache, "b"), "a lookup that started before a restart is not cached")
    }

    @Test func invalidationRemovesOneTokenOrAll() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.startServing()
        #expect(Self.fill(cache, "a") && Self.fill(cache, "b") && Self.fill(cache, "c"))
        cache.invalidate("b")
        #expect(Self.cached(cache, "a") && !Self.cached(cache, "b") && Self.cached(cache, "c"))
        cache.invalidateAll()
        #expect(cache.count == 0)
    }

    @Test func entriesExpire() async throws {
        let cache = LookupCache(timeToLive: .milliseconds(50), capacity: 10)
        cache.startServing()
        #expect(Self.fill(cache, "a"))
        try await Task.sleep(for: .milliseconds(80))
        #expect(!Self.cached(cache, "a"))
        #expect(cache.count == 0)
    }

    @Test func aFullCacheIsFlushed() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 3)
        cache.startServing()
        #expect(Self.fill(cache, "a") && Self.fill(cache, "b") && Self.fill(cache, "c"))
        #expect(Self.fill(cache, "d"))
        #expect(cache.count == 1)
    }

    @Test func aCacheThatNeedsConfirmingServesOnlyWithinTheIntervalOfACheck() async throws {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10, confirmationInterval: .milliseconds(100))
        cache.startServing()
        guard case .unconfirmed = cache.lookup("a") else { Issue.record("a cache never checked is unconfirmed"); return }
        cache.confirm(checkStarted: .now, changed: false)
        #expect(cache.isServing)
        #expect(Self.fill(cache, "a"))
        try await Task.sleep(for: .milliseconds(150))
        guard case .unconfirmed = cache.lookup("a") else { Issue.record("the confirmation lapsed"); return }
        #expect(!cache.isServing)
        cache.confirm(checkStarted: .now, changed: false)
        #expect(Self.cached(cache, "a"), "a check that found no change keeps the entries")
        cache.confirm(checkStarted: .now, changed: true)
        #expect(cache.count == 0, "a check that found a change flushes")

        // A lookup in flight while a check finds a change is not cached.
        guard case .miss(let ticket) = cache.lookup("b") else { Issue.record("expected a miss"); return }
        cache.confirm(checkStarted: .now, changed: true)
        cache.insert(Self.record("b"), ticket: ticket)
        #expect(!Self.cached(cache, "b"))

        // An older check never shortens a newer confirmation.
        let old = ContinuousClock.now - .seconds(1)
        cache.confirm(checkStarted: .now, changed: false)
        cache.confirm(checkStarted: old, changed: false)
        #expect(cache.isConfirmed(at: .now))
    }
}
