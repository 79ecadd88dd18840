#if PostgreSQL
@testable import MacaroonPostgres
import MacaroonTokens
import PostgresNIO
import Testing

/// Two server instances (two clients, two stores with the cache on) on one
/// database: a revocation on one is honoured by the other through LISTEN/NOTIFY.
@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct RevocationAcrossInstancesTests {
    /// A time-to-live far longer than the test: only notifications can invalidate.
    static let cache = PostgresTokenStore.CacheConfiguration(timeToLive: .seconds(600))

    /// Measures, for 200 tokens cached by instance B, the time from the start of
    /// instance A's delete until B's lookup returns nothing. Goal: p99 under 1 s.
    @Test func revocationLatency() async throws {
        try await withTestDatabase { database in
            let (a, b, tokens) = try await Self.twoInstances(database, tokens: 200)
            for token in tokens { #expect(try await TestTokens.verify(token.token, b).isAllowed) }
            #expect(b.cache?.count == tokens.count, "instance B caches every token it verified")

            var fromStart: [Duration] = [], fromCommit: [Duration] = []
            for token in tokens {
                let start = ContinuousClock.now
                try await a.delete(id: token.info.id, ownedBy: TestTokens.alice)
                let committed = ContinuousClock.now
                while try await b.token(id: token.info.id) != nil {
                    guard start.duration(to: .now) < .seconds(5) else { Issue.record("instance B still serves a token revoked 5 s ago"); return }
                    await Task.yield()
                }
                let honoured = ContinuousClock.now
                fromStart.append(start.duration(to: honoured))
                fromCommit.append(committed.duration(to: honoured))
            }
            let summary = "revocation latency across instances (cache on, \(tokens.count) revocations): from delete call "
                + Self.percentiles(fromStart) + "; from delete returned " + Self.percentiles(fromCommit)
            print(summary)
            #expect(Self.percentile(0.99, fromStart) < .seconds(1), "\(summary)")
        }
    }

    /// While instance A revokes 40 tokens, 4 tasks on instance B verify them
    /// without pause: once B has denied a token it never allows it again, and
    /// every revocation reaches B long before the cache's time-to-live (the lag
    /// includes the time until a worker comes back to that token, which a loaded
    /// machine stretches: `revocationLatency` measures the notification itself).
    @Test func verifyWhileRevokeOnAnotherInstance() async throws {
        try await withTestDatabase { database in
            let (a, b, all) = try await Self.twoInstances(database, tokens: 40)
            let deniedOnB = Locked<[String: ContinuousClock.Instant]>([:])
            let deletedAt = Locked<[String: ContinuousClock.Instant]>([:])
            let done = Locked(false)
            let reallowed = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var reallowed = 0, index = worker
                        while !done.withLock({ $0 }) {
                            let token = all[index % all.count]
                            index += 1
                            let deniedBefore = deniedOnB.withLock { $0[token.info.id] != nil }
                            let verdict = try await TestTokens.verify(token.token, b)
                            if verdict.isAllowed {
                                if deniedBefore { reallowed += 1 }
                            } else {
                                #expect(verdict.verdict.reasons.map(\.code) == [.unknownIdentifier])
                                let now = ContinuousClock.now
                                deniedOnB.withLock { if $0[token.info.id] == nil { $0[token.info.id] = now } }
                            }
                        }
                        return reallowed
                    }
                }
                group.addTask {
                    for token in all {
                        try await a.delete(id: token.info.id, ownedBy: TestTokens.alice)
                        let now = ContinuousClock.now
                        deletedAt.withLock { $0[token.info.id] = now }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    try await waitUntil("B denies every token") { deniedOnB.withLock { $0.count } == all.count }
                    done.withLock { $0 = true }
                    return 0
                }
                return try await group.reduce(0, +)
            }
            #expect(reallowed == 0, "instance B allowed a token again after denying it")
            let lags = deletedAt.withLock { deleted in
                deniedOnB.withLock { denied in deleted.map { id, time in time.duration(to: denied[id] ?? time) } }
            }
            #expect(lags.allSatisfy { $0 < .seconds(10) }, "slowest revocation seen by B: \(lags.max() ?? .zero)")
        }
    }

    /// A delete made straight in SQL (an administrator, another tool) is heard too,
    /// and so is a truncation (every token).
    @Test func deletionsOutsideTheStoreInvalidate() async throws {
        try await withTestDatabase { database in
            let a = try await database.openStore(cache: Self.cache)
            let first = try await a.mint(TestTokens.new("first"))
            let second = try await a.mint(TestTokens.new("second"))
            #expect(try await TestTokens.verify(first.token, a).isAllowed)
            #expect(try await TestTokens.verify(second.token, a).isAllowed)
            try await database.client.query("DELETE FROM macaroon_tokens WHERE id = \(first.info.id)::uuid")
            try await waitUntil("the delete is heard", timeout: .seconds(1)) { try await a.token(id: first.info.id) == nil }
            #expect(try await TestTokens.verify(second.token, a).isAllowed)
            try await database.client.query("TRUNCATE macaroon_tokens")
            try await waitUntil("the truncation is heard", timeout: .seconds(1)) { try await a.token(id: second.info.id) == nil }
        }
    }

    /// A statement deleting more than 1,000 rows sends one `*` notification: the other instance forgets everything.
    @Test func aLargeDeletionFlushesTheOtherInstance() async throws {
        try await withTestDatabase { database in
            let a = try await database.openStore(cache: Self.cache)
            let b = try await database.openStore(cache: Self.cache, client: database.makeClient())
            let bob = TokenOwner.user(id: "bob")
            var bobs: [MintedStoredToken] = []
            for index in 0..<1001 { bobs.append(try await a.mint(TestTokens.new("token \(index)", owner: bob))) }
            let alices = try await a.mint(TestTokens.new("kept"))
            #expect(try await TestTokens.verify(bobs[0].token, b).isAllowed)
            #expect(try await TestTokens.verify(alices.token, b).isAllowed)
            #expect(b.cache?.count == 2)
            #expect(try await a.deleteAll(ownedBy: bob) == 1001)
            try await waitUntil("instance B flushes its cache", timeout: .seconds(2)) { b.cache?.count == 0 }
            #expect(try await TestTokens.verify(bobs[0].token, b).verdict.reasons.map(\.code) == [.unknownIdentifier])
            #expect(try await TestTokens.verify(alices.token, b).isAllowed)
        }
    }

    /// Instances A and B (each its own client) with the cache on, and `count` tokens A minted.
    static func twoInstances(
        _ database: PostgresTestDatabase, tokens count: Int
    ) async throws -> (a: PostgresTokenStore, b: PostgresTokenStore, tokens: [MintedStoredToken]) {
        let a = try await database.openStore(cache: cache)
        let b = try await database.openStore(cache: cache, client: database.makeClient())
        var tokens: [MintedStoredToken] = []
        for index in 0..<count { tokens.append(try await a.mint(TestTokens.new("token \(index)"))) }
        return (a, b, tokens)
    }

    static func percentile(_ fraction: Double, _ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    static func percentiles(_ values: [Duration]) -> String {
        func ms(_ duration: Duration) -> String {
            let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
            return "\(Double(microseconds) / 1000) ms"
        }
        return "p50 \(ms(percentile(0.5, values))), p99 \(ms(percentile(0.99, values))), max \(ms(values.max() ?? .zero))"
    }
}
#endif
