import MacaroonTokens
import Testing

/// The behaviour every ``ReplayGuard`` must have, runnable on any backend
/// (the in-memory store, SQLite, PostgreSQL). Failures are Swift Testing issues
/// recorded in the calling test.
public enum ReplayGuardCheck {
    /// Each identifier is claimed once per scope until it expires; empty and overlong ones, and U+0000
    /// (which PostgreSQL's text cannot hold: the caller's error on every backend, never an outage), are refused.
    public static func claimsOnce(_ store: some ReplayGuard) async throws {
        #expect(try await store.claimOnce("a", scope: "iss", until: 100, now: 10))
        #expect(try await !store.claimOnce("a", scope: "iss", until: 100, now: 11))
        #expect(try await !store.claimOnce("a", scope: "iss", until: 200, now: 100))
        #expect(try await store.claimOnce("a", scope: "other", until: 100, now: 11))
        #expect(try await store.claimOnce("a", scope: "iss", until: 300, now: 101))
        for (identifier, scope) in [("", "iss"), ("a", ""), ("a\u{0}", "iss"), ("a", "\u{0}"), (String(repeating: "x", count: ReplayGuardLimits.maxLength + 1), "iss")] {
            let error = await Check.storeError { _ = try await store.claimOnce(identifier, scope: scope, until: 1, now: 0) }
            #expect(error?.code == .invalidArgument)
        }
    }

    /// Of 8 concurrent claims of one identifier through `stores` (instances sharing one storage), exactly one wins; 20 rounds.
    public static func oneClaimantWins(_ stores: [any ReplayGuard]) async throws {
        for round in 0..<20 {
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask { try await stores[index % stores.count].claimOnce("jti-\(round)", scope: "iss", until: 1000, now: 1) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
        }
    }
}
