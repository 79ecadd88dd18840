import Macaroons
import MacaroonTokens
import Testing

/// Review 7 of the lookup cache: identifiers come from strangers' tokens, and the databases
/// compare them as bytes; the cache keeps only ASCII ids, which `String` compares as bytes too.
@Suite struct LookupCacheReviewTests {
    /// "\u{212A}" (KELVIN SIGN) is canonically equivalent to "K": as `String`s the two ids are
    /// equal, as bytes (what SQLite and PostgreSQL compare) they are not. A lookup of the other
    /// spelling is served the cached record, though the database has no row under it; and its
    /// answer "gone" evicts the real token's entry. (Ids the stores mint are UUIDs, without K;
    /// no signature verifies for the other spelling: a rule break, not a bypass.)
    @Test("a lookup is served only the record of the same bytes, and a gone answer forgets only those bytes")
    func idsComparedAsBytes() {
        let cache = LookupCache(timeToLive: .seconds(60), capacity: 10)
        cache.startServing()
        let id = "tok-K", lookalike = "tok-\u{212A}"
        #expect(id == lookalike && Array(id.utf8) != Array(lookalike.utf8))
        #expect(LookupCacheTests.fill(cache, id))
        #expect(cache.hit(lookalike) == nil, "the record of \(id) served for other bytes")
        // The database answers the lookalike gone: the real token's entry stays.
        cache.answer(nil, for: lookalike, ticket: nil)
        #expect(LookupCacheTests.cached(cache, id), "another id's gone answer evicted \(id)")
    }
}
