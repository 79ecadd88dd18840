#if SQLite
import Foundation
import MacaroonSQLite
import MacaroonTokens
import Testing

/// A store with the lookup cache on, and revocations committed to its file by
/// another connection: another process (as `upload-server tokens revoke` is) or
/// another store (a second server on the same file). Every lookup that starts
/// one ``SQLiteTokenStore/CacheConfiguration/changeCheckInterval`` after the
/// revocation committed must miss, however long the cache's time-to-live.
@Suite struct SQLiteRevocationAcrossConnectionsTests {
    /// Far longer than the test: only the change check can invalidate.
    static let cache = SQLiteTokenStore.CacheConfiguration(timeToLive: .seconds(600), changeCheckInterval: .milliseconds(100))

    @Test func aRevocationByAnotherProcessIsHonouredWithinTheCheckInterval() async throws {
        let fixture = SQLiteFixture(cache: Self.cache)
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let interpreter = try #require(python, "python3 (Debian's python3) deletes rows from another process")
        try await Self.measure(fixture, count: 20, by: "another process") { id in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: interpreter)
            process.arguments = [
                "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=5); c.execute('DELETE FROM tokens WHERE id = ?', (sys.argv[2],)); c.commit()",
                fixture.path, id,
            ]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test func aRevocationByAnotherStoreOnTheFileIsHonouredWithinTheCheckInterval() async throws {
        let fixture = SQLiteFixture(cache: Self.cache)
        let other = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        try await Self.measure(fixture, count: 50, by: "another store") { id in
            try await other.delete(id: id, ownedBy: .user(id: "alice"))
        }
    }

    /// Mints `count` tokens, caches them all, then revokes each with `revoke` and looks it up without pause
    /// until the lookup misses; records each lookup's start. Prints the time from the revocation's commit to
    /// the first miss.
    static func measure(_ fixture: SQLiteFixture, count: Int, by revoker: String, revoke: (String) async throws -> Void) async throws {
        let store = try #require(try fixture.open(keyRing: .unsealed) as? SQLiteTokenStore)
        var tokens: [MintedStoredToken] = []
        for index in 0..<count {
            tokens.append(try await store.mint(NewToken(owner: .user(id: "alice"), name: "token \(index)", location: "pypi.org")))
        }
        for token in tokens { #expect(try store.token(id: token.info.id) != nil) }
        #expect(store.isCacheServing)

        let interval = try #require(fixture.cache).changeCheckInterval
        var latencies: [Duration] = [], servedAfterRevocation = 0
        for token in tokens {
            _ = try store.token(id: token.info.id)  // cached again, and the cache confirmed
            try await revoke(token.info.id)
            let committed = ContinuousClock.now
            while true {
                let started = ContinuousClock.now
                guard try store.token(id: token.info.id) != nil else {
                    latencies.append(committed.duration(to: started))
                    break
                }
                servedAfterRevocation += 1
                guard committed.duration(to: started) < interval else {
                    Issue.record("a lookup that started \(committed.duration(to: started)) after a revocation by \(revoker) committed was served from the cache")
                    return
                }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        latencies.sort()
        print(
            "SQLite revocation by \(revoker), cache on (check every \(interval)), \(count) revocations: from commit to first miss "
                + "p50 \(latencies[latencies.count / 2]), max \(latencies.last!); stale answers served meanwhile: \(servedAfterRevocation)")
    }
}
#endif
