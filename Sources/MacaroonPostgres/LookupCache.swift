#if PostgreSQL
import MacaroonTokens

/// The in-process cache of successful lookups of a ``PostgresTokenStore``.
///
/// It serves only while the revocation listener is connected: ``listenerUp()``
/// opens it and ``listenerDown()`` flushes and closes it. An insertion carries
/// the ticket its lookup was given before reading the database, and is dropped
/// if any invalidation happened since: a row read before its deletion is never
/// cached after the deletion's notification was processed.
final class LookupCache: Sendable {
    /// What ``lookup(_:)`` found.
    enum Lookup {
        /// A record cached and not yet expired.
        case hit(TokenRecord)
        /// Read the database; pass the ticket to ``insert(_:ticket:)`` (`nil`: do not cache).
        case miss(ticket: UInt64?)
    }

    private struct Entry {
        let record: TokenRecord
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Increased by every invalidation, flush and listener change.
        var generation: UInt64 = 0
        var listening = false

        mutating func flush() {
            entries.removeAll()
            generation &+= 1
        }
    }

    private let state = Locked(State())
    /// How long an entry is served.
    let timeToLive: Duration
    /// The most entries kept; when full, the cache is flushed.
    let capacity: Int

    init(timeToLive: Duration, capacity: Int) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
    }

    /// The cached record for `id`, or a ticket for caching what the database answers.
    func lookup(_ id: String) -> Lookup {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.listening else { return .miss(ticket: nil) }
            if let entry = state.entries[id] {
                if now < entry.expires { return .hit(entry.record) }
                state.entries[id] = nil
            }
            return .miss(ticket: state.generation)
        }
    }

    /// Caches a record the database returned, unless anything was invalidated since the ticket was given.
    func insert(_ record: TokenRecord, ticket: UInt64?) {
        guard let ticket else { return }
        let expires = ContinuousClock.now + timeToLive
        state.withLock { state in
            guard state.listening, state.generation == ticket else { return }
            if state.entries.count >= capacity { state.flush() }
            state.entries[record.id] = Entry(record: record, expires: expires)
        }
    }

    /// Forgets the token `id` (a deletion here or a notification from any instance).
    func invalidate(_ id: String) {
        state.withLock { state in
            state.entries[id] = nil
            state.generation &+= 1
        }
    }

    /// Forgets every token.
    func invalidateAll() {
        state.withLock { $0.flush() }
    }

    /// The listener is connected and listening: serve and fill the cache from now on.
    func listenerUp() {
        state.withLock { state in
            state.flush()
            state.listening = true
        }
    }

    /// The listener lost its connection (or stopped): flush, and neither serve nor fill until it is back.
    func listenerDown() {
        state.withLock { state in
            state.flush()
            state.listening = false
        }
    }

    /// Whether the cache is serving (the listener is connected).
    var isServing: Bool { state.withLock { $0.listening } }

    /// The number of cached records.
    var count: Int { state.withLock { $0.entries.count } }
}
#endif
