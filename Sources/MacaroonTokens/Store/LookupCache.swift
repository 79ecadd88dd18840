import _MacaroonInternals

/// The in-process cache of successful token lookups that the database stores
/// offer (`PostgresTokenStore`, `SQLiteTokenStore`; see Specs/token-store.md).
///
/// The cache serves only while it is *confirmed*: a backend confirms that it
/// would hear of every deletion, either for as long as something is connected
/// (``startServing()`` … ``stopServing()``: PostgreSQL's `LISTEN` connection) or
/// for ``confirmationInterval`` after each check that found no foreign change
/// (``confirm(checkStarted:changed:)``: SQLite's `PRAGMA data_version`).
/// Unconfirmed, lookups go to the database and nothing is cached.
///
/// An insertion carries the ticket its lookup was given before reading the
/// database, and is dropped if anything was invalidated since: a row read
/// before its deletion is never cached after the deletion was heard of. Nor
/// after the database itself answered that the token is gone (``answer(_:for:ticket:)``),
/// before the deletion's notification arrived: once one request was refused,
/// no later one is allowed from this cache.
///
/// Only ASCII identifiers are cached (the stores mint UUIDs): the dictionaries are keyed by
/// `String`, whose `==` and hashing apply canonical equivalence to other text (the Kelvin sign
/// U+212A equals `K`), where the databases compare bytes. Any other identifier is never served,
/// cached or remembered gone, and its lookups go to the database.
package final class LookupCache: Sendable {
    /// What ``lookup(_:)`` found.
    package enum Lookup {
        /// A record cached and not yet expired.
        case hit(TokenRecord)
        /// Read the database; pass its answer and the ticket to ``answer(_:for:ticket:)`` (`nil`: do not cache).
        case miss(ticket: Ticket?)
        /// The last check is older than ``confirmationInterval``: check for changes, then look up again.
        case unconfirmed
    }

    /// What a lookup was given before reading the database: how far invalidations and absences had gone.
    package struct Ticket: Sendable {
        fileprivate let generation: UInt64
        fileprivate let absences: UInt64
    }

    private struct Entry {
        let record: TokenRecord
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Increased by every invalidation, flush and change of serving.
        var generation: UInt64 = 0
        /// Increased by every answer of the database that a token is gone.
        var absences: UInt64 = 0
        /// The tokens the database answered gone, with the value of ``absences`` then: a lookup of
        /// one that started earlier may have read its row before the deletion, and is not cached.
        /// At most ``capacity`` (made-up tokens are answered gone too); when full, emptied, and the
        /// generation increased instead, which drops every lookup in flight.
        var absent: [String: UInt64] = [:]
        var serving = false
        /// The start of the last check that found no change (with ``confirmationInterval`` only).
        var confirmed: ContinuousClock.Instant?

        mutating func flush() {
            entries.removeAll()
            absent.removeAll()
            generation &+= 1
        }
    }

    private let state = Locked(State())
    /// How long an entry is served.
    package let timeToLive: Duration
    /// The most entries kept; when full, the cache is flushed.
    package let capacity: Int
    /// How long one check for changes confirms the cache; `nil` when the backend confirms by ``startServing()``.
    package let confirmationInterval: Duration?

    /// An empty cache, not serving until ``startServing()``.
    package init(timeToLive: Duration, capacity: Int, confirmationInterval: Duration? = nil) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
        self.confirmationInterval = confirmationInterval
    }

    /// The record ``lookup(_:)`` would find cached for `id`, or `nil` (a miss, or a check due):
    /// what the stores' `cachedToken(id:)` answer.
    package func hit(_ id: String) -> TokenRecord? {
        guard case .hit(let record) = lookup(id) else { return nil }
        return record
    }

    /// The cached record for `id`, a ticket for caching what the database answers, or a request to check first.
    package func lookup(_ id: String) -> Lookup {
        guard UTF8Text.isASCII(id) else { return .miss(ticket: nil) }
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.serving else { return .miss(ticket: nil) }
            if let interval = confirmationInterval {
                guard let confirmed = state.confirmed, now < confirmed + interval else { return .unconfirmed }
            }
            if let entry = state.entries[id] {
                if now < entry.expires { return .hit(entry.record) }
                state.entries[id] = nil
            }
            return .miss(ticket: Ticket(generation: state.generation, absences: state.absences))
        }
    }

    /// What the database answered for `id` after ``lookup(_:)`` gave `ticket` (`nil` when the cache
    /// was not consulted): a record is inserted (``insert(_:ticket:)``); `nil`, the token is gone, is
    /// remembered, so that no lookup of `id` that started earlier caches the row it may have read
    /// before the deletion, and `id` is forgotten.
    package func answer(_ record: TokenRecord?, for id: String, ticket: Ticket?) {
        if let record {
            insert(record, ticket: ticket)
            return
        }
        guard UTF8Text.isASCII(id) else { return }
        state.withLock { state in
            state.entries[id] = nil
            if state.absent.count >= capacity, state.absent[id] == nil {
                state.absent.removeAll()
                state.generation &+= 1
            }
            state.absences &+= 1
            state.absent[id] = state.absences
        }
    }

    /// Caches a record the database returned, unless anything was invalidated since the ticket was
    /// given, or the database answered since that its token is gone.
    package func insert(_ record: TokenRecord, ticket: Ticket?) {
        guard let ticket, UTF8Text.isASCII(record.id) else { return }
        let expires = ContinuousClock.now + timeToLive
        state.withLock { state in
            guard state.serving, state.generation == ticket.generation else { return }
            if let absence = state.absent[record.id], absence > ticket.absences { return }
            if state.entries.count >= capacity { state.flush() }
            state.entries[record.id] = Entry(record: record, expires: expires)
        }
    }

    /// Forgets the token `id` (a deletion through this store, or a notification from another instance).
    package func invalidate(_ id: String) {
        state.withLock { state in
            if UTF8Text.isASCII(id) { state.entries[id] = nil }
            state.generation &+= 1
        }
    }

    /// Forgets every token.
    package func invalidateAll() {
        state.withLock { $0.flush() }
    }

    /// Records a check for changes that started at `checkStarted`: a change flushes the cache; either way
    /// the cache is confirmed until `checkStarted` plus ``confirmationInterval``.
    package func confirm(checkStarted: ContinuousClock.Instant, changed: Bool) {
        state.withLock { state in
            if changed { state.flush() }
            if let confirmed = state.confirmed, confirmed > checkStarted { return }
            state.confirmed = checkStarted
        }
    }

    /// Whether a check started at `now` would still be confirmed (another task checked meanwhile).
    package func isConfirmed(at now: ContinuousClock.Instant) -> Bool {
        guard let interval = confirmationInterval else { return true }
        return state.withLock { state in state.confirmed.map { now < $0 + interval } ?? false }
    }

    /// The backend hears of every deletion from now on: serve and fill the cache.
    package func startServing() {
        state.withLock { state in
            state.flush()
            state.serving = true
        }
    }

    /// The backend may miss deletions (e.g. its listener lost its connection): flush, and neither serve nor fill.
    package func stopServing() {
        state.withLock { state in
            state.flush()
            state.serving = false
            state.confirmed = nil
        }
    }

    /// Whether the cache is serving (started, and confirmed if it needs confirming).
    package var isServing: Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.serving else { return false }
            guard let interval = confirmationInterval else { return true }
            return state.confirmed.map { now < $0 + interval } ?? false
        }
    }

    /// The number of cached records.
    package var count: Int { state.withLock { $0.entries.count } }
}
