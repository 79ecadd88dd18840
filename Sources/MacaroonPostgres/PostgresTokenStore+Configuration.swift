#if PostgreSQL
import MacaroonTokens

extension PostgresTokenStore {
    /// How a ``PostgresTokenStore`` behaves.
    public struct Configuration: Sendable {
        /// The keys that seal and open root keys (``KeyRing/unsealed`` stores them unsealed, with a warning).
        public var keyRing: KeyRing
        /// The lookup cache; `nil` (the default) reads every lookup from the database.
        public var cache: CacheConfiguration?
        /// How long one operation may take before it fails as ``TokenStoreError/Code/unavailable``.
        public var operationTimeout: Duration

        /// The settings; by default unsealed, without a cache, with a 5-second operation timeout.
        public init(keyRing: KeyRing = .unsealed, cache: CacheConfiguration? = nil, operationTimeout: Duration = .seconds(5)) {
            self.keyRing = keyRing
            self.cache = cache
            self.operationTimeout = operationTimeout
        }
    }

    /// The in-process cache of successful lookups, invalidated through PostgreSQL
    /// `LISTEN`/`NOTIFY` when a token row is deleted by any instance.
    ///
    /// It serves only while its listener (``PostgresTokenStore/run()``) is connected;
    /// when that connection drops it is flushed and lookups go to the database
    /// until the listener is back. A revocation is honoured by every instance once
    /// its notification arrives, or after ``timeToLive`` at the latest.
    public struct CacheConfiguration: Sendable {
        /// How long a lookup is served from the cache.
        public var timeToLive: Duration
        /// The most records cached (the cache is flushed when full).
        public var capacity: Int
        /// How often the listener checks its connection with a query; a check that takes
        /// longer than this closes the connection, which flushes the cache.
        public var heartbeat: Duration

        /// A cache of at most `capacity` records for `timeToLive` each, its listener checked every `heartbeat`.
        public init(timeToLive: Duration = .seconds(5), capacity: Int = 100_000, heartbeat: Duration = .seconds(1)) {
            self.timeToLive = timeToLive
            self.capacity = capacity
            self.heartbeat = heartbeat
        }
    }
}
#endif
