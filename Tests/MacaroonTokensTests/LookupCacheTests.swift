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

    @Test("once the database answered a token gone, an earlier lookup of it is not cached; other tokens' are")
    func anAnswerThatATokenIsGoneDropsEarlierLookupsOfIt() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.startServing()
        guard case .miss(let early) = cache.lookup("a"), case .miss(let other) = cache.lookup("b") else {
            Issue.record("expected misses")
            return
        }
        // A later lookup read that "a" is gone (deleted by another instance, not yet heard of) ...
        guard case .miss(let later) = cache.lookup("a") else { Issue.record("expected a miss"); return }
        cache.answer(nil, for: "a", ticket: later)
        // ... and the earlier one, which read the row before the deletion, answers after it.
        cache.answer(Self.record("a"), for: "a", ticket: early)
        #expect(!Self.cached(cache, "a"), "a token answered gone is never served again from the cache")
        cache.answer(Self.record("b"), for: "b", ticket: other)
        #expect(Self.cached(cache, "b"), "lookups of other tokens in flight are still cached")
        // A lookup that starts after the answer is cached as usual (ids are never reused, but the rule is exact).
        #expect(Self.fill(cache, "a"))
        // A cached entry is forgotten when the database answers its token gone.
        cache.answer(nil, for: "a", ticket: nil)
        #expect(!Self.cached(cache, "a") && Self.cached(cache, "b"))
    }

    @Test("the tokens answered gone are bounded: when full they are forgotten and lookups in flight dropped, entries kept")
    func absencesAreBounded() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 3)
        cache.startServing()
        #expect(Self.fill(cache, "a"))
        guard case .miss(let first) = cache.lookup("y") else { Issue.record("expected a miss"); return }
        for index in 0..<3 { cache.answer(nil, for: "made-up-\(index)", ticket: nil) }
        cache.answer(Self.record("y"), for: "y", ticket: first)
        #expect(Self.cached(cache, "y"), "up to the bound, only the tokens answered gone are refused")
        guard case .miss(let second) = cache.lookup("z") else { Issue.record("expected a miss"); return }
        cache.answer(nil, for: "made-up-3", ticket: nil)
        cache.answer(Self.record("z"), for: "z", ticket: second)
        #expect(!Self.cached(cache, "z"), "past the bound, every lookup in flight is dropped")
        #expect(Self.cached(cache, "a") && Self.cached(cache, "y"), "the entries are kept")
        #expect(Self.fill(cache, "z"))
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
