#if SQLite
import Foundation
import MacaroonSQLite
import MacaroonTokens
import Testing

/// `cachedToken(id:)` asked on its own, as `TokenAuthentication` asks it first on every request
/// of a server without metrics or tracing: it must never answer what `token(id:)` would not.
@Suite struct SQLiteCachedTokenTests {
    static let alice = TokenOwner.user(id: "alice")

    /// A revocation committed by another store on the file, and then only `cachedToken` asked
    /// (a busy server whose every request is answered from memory never reaches `token(id:)`,
    /// which is what runs the change check): past one check interval it must be `nil`.
    @Test func aForeignRevocationStopsTheAnswerFromMemoryWithinTheCheckIntervalWithoutAnyLookup() async throws {
        let interval = Duration.milliseconds(100)
        let fixture = SQLiteFixture(cache: .init(timeToLive: .seconds(600), changeCheckInterval: interval))
        let store = try #require(try fixture.open(keyRing: .unsealed) as? SQLiteTokenStore)
        let other = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        for round in 0..<10 {
            let minted = try await store.mint(NewToken(owner: Self.alice, name: "token \(round)", location: "pypi.org"))
            #expect(try store.token(id: minted.info.id) != nil)
            #expect(store.cachedToken(id: minted.info.id) != nil, "cached and confirmed just now")
            try await other.delete(id: minted.info.id, ownedBy: Self.alice)
            let committed = ContinuousClock.now
            // Only the answer from memory, for three intervals.
            while committed.duration(to: .now) < interval * 3 {
                let started = ContinuousClock.now
                if store.cachedToken(id: minted.info.id) != nil, committed.duration(to: started) >= interval {
                    Issue.record("answered from memory \(committed.duration(to: started)) after another store's revocation committed")
                    return
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(try store.token(id: minted.info.id) == nil)
        }
    }

    /// Lookups racing a delete through the same store, from several tasks: once the delete has
    /// returned, neither call answers the token again (a lookup that read the row before the
    /// delete must not put it back into the cache).
    @Test func lookupsRacingADeleteNeverBringTheTokenBack() async throws {
        let fixture = SQLiteFixture(cache: .init(timeToLive: .seconds(600), changeCheckInterval: .seconds(600)))
        let store = try #require(try fixture.open(keyRing: .unsealed) as? SQLiteTokenStore)
        var tokens: [MintedStoredToken] = []
        for index in 0..<40 { tokens.append(try await store.mint(NewToken(owner: Self.alice, name: "token \(index)", location: "pypi.org"))) }
        let ids = tokens.map(\.info.id)
        for id in ids { #expect(try store.token(id: id) != nil) }
        let deleted = Locked<Set<String>>([])
        let stale = Locked<[String]>([])
        let done = Locked(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var index = worker
                    while !done.withLock({ $0 }) {
                        let id = ids[index % ids.count]
                        index += 1
                        // Read which deletes have returned first: anything answered after that is stale.
                        let wasDeleted = deleted.withLock { $0.contains(id) }
                        let fromMemory = store.cachedToken(id: id)
                        let looked = try store.token(id: id)
                        if wasDeleted, fromMemory != nil || looked != nil { stale.withLock { $0.append(id) } }
                        if index % 16 == 0 { await Task.yield() }
                    }
                }
            }
            group.addTask {
                for id in ids {
                    try await store.delete(id: id, ownedBy: Self.alice)
                    deleted.withLock { _ = $0.insert(id) }
                    #expect(store.cachedToken(id: id) == nil, "answered from memory right after its delete returned")
                    try await Task.sleep(for: .milliseconds(1))
                }
                try await Task.sleep(for: .milliseconds(50))
                done.withLock { $0 = true }
            }
            try await group.waitForAll()
        }
        #expect(stale.withLock { $0 }.isEmpty, "tokens answered after their delete returned: \(stale.withLock { Set($0) }.count)")
        for id in ids { #expect(store.cachedToken(id: id) == nil) }
    }

    /// An entry past its time to live, a cache flushed because it was full, and a closed store
    /// answer nothing from memory.
    @Test func expiredFlushedAndClosedAnswerNothingFromMemory() async throws {
        let fixture = SQLiteFixture(cache: .init(timeToLive: .milliseconds(200), capacity: 2, changeCheckInterval: .seconds(600)))
        let store = try #require(try fixture.open(keyRing: .unsealed) as? SQLiteTokenStore)
        var ids: [String] = []
        for index in 0..<3 { ids.append(try await store.mint(NewToken(owner: Self.alice, name: "token \(index)", location: "pypi.org")).info.id) }
        #expect(try store.token(id: ids[0]) != nil)
        #expect(store.cachedToken(id: ids[0]) != nil)
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.cachedToken(id: ids[0]) == nil, "past its time to live")

        #expect(try store.token(id: ids[0]) != nil)
        #expect(try store.token(id: ids[1]) != nil)
        #expect(try store.token(id: ids[2]) != nil)  // the third entry flushes the full cache
        #expect(store.cachedToken(id: ids[0]) == nil && store.cachedToken(id: ids[1]) == nil, "flushed")
        #expect(store.cachedToken(id: ids[2]) != nil)

        try store.close()
        #expect(store.cachedToken(id: ids[2]) == nil, "a closed store answers nothing from memory")
        #expect(throws: TokenStoreError.self) { try store.token(id: ids[2]) }
    }

    /// `deleteAll` and `purgeExpired` through the store: nothing of theirs is answered from memory.
    @Test func bulkDeletesEmptyTheAnswersFromMemory() async throws {
        let fixture = SQLiteFixture(cache: .init(timeToLive: .seconds(600), changeCheckInterval: .seconds(600)))
        let store = try #require(try fixture.open(keyRing: .unsealed) as? SQLiteTokenStore)
        let kept = try await store.mint(NewToken(owner: .user(id: "bob"), name: "kept", location: "pypi.org"))
        let gone = try await store.mint(NewToken(owner: Self.alice, name: "gone", location: "pypi.org"))
        let expiring = try await store.mint(NewToken(owner: .user(id: "carol"), name: "expiring", expires: 1000, location: "pypi.org"), now: 10)
        for id in [kept.info.id, gone.info.id, expiring.info.id] { #expect(try store.token(id: id) != nil) }
        #expect(try await store.deleteAll(ownedBy: Self.alice) == 1)
        #expect(store.cachedToken(id: gone.info.id) == nil)
        #expect(try await store.purgeExpired(now: 2000) == 1)
        #expect(store.cachedToken(id: expiring.info.id) == nil)
        #expect(try store.token(id: kept.info.id) != nil)
    }
}
#endif
