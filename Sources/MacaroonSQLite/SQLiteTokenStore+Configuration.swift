#if SQLite
import MacaroonTokens

extension SQLiteTokenStore {
    /// How a ``SQLiteTokenStore`` behaves.
    public struct Configuration: Sendable {
        /// The keys that seal and open root keys (``KeyRing/unsealed`` stores them unsealed, with a warning).
        public var keyRing: KeyRing
        /// The lookup cache; `nil` (the default) reads every lookup from the file.
        public var cache: CacheConfiguration?
        /// The most read connections kept open (lookups and listings run on them, on the
        /// calling thread, concurrently). A read that finds them all in use opens one more
        /// for itself and closes it afterwards: it never waits for another read.
        public var maximumReaders: Int
        /// How long an operation waits for a lock held by another connection before it fails as
        /// ``TokenStoreError/Code/unavailable``. A lookup or listing waits on the calling thread
        /// (SQLite's busy handler sleeps and retries); in WAL mode only an exclusive lock makes it
        /// wait (another connection in exclusive locking mode, the recovery of the log after a crash).
        public var busyTimeout: Duration

        /// The settings; by default unsealed, without a cache, 8 readers, a 5-second busy timeout.
        public init(keyRing: KeyRing = .unsealed, cache: CacheConfiguration? = nil, maximumReaders: Int = 8, busyTimeout: Duration = .seconds(5)) {
            self.keyRing = keyRing
            self.cache = cache
            self.maximumReaders = maximumReaders
            self.busyTimeout = busyTimeout
        }
    }

    /// The in-process cache of successful lookups, kept consistent with the file by
    /// checking SQLite's `PRAGMA data_version`.
    ///
    /// A deletion through this store leaves the cache at once. Any commit to the file by
    /// another connection — another process such as `upload-server tokens revoke`, another
    /// store on the same file, or this store's own writes — flushes the whole cache at the
    /// next check. A check runs within a lookup, at most once per ``changeCheckInterval``,
    /// so a revocation by another process is honoured within that interval (plus the
    /// lookups already in flight), and never later than ``timeToLive``.
    public struct CacheConfiguration: Sendable {
        /// How long a lookup is served from the cache.
        public var timeToLive: Duration
        /// The most records cached (the cache is flushed when full).
        public var capacity: Int
        /// How long one check of `PRAGMA data_version` lets the cache serve: the bound on how
        /// long another process's revocation can go unnoticed.
        public var changeCheckInterval: Duration

        /// A cache of at most `capacity` records for `timeToLive` each, checked for foreign commits every `changeCheckInterval`.
        public init(timeToLive: Duration = .seconds(5), capacity: Int = 100_000, changeCheckInterval: Duration = .milliseconds(100)) {
            self.timeToLive = timeToLive
            self.capacity = capacity
            self.changeCheckInterval = changeCheckInterval
        }
    }
}
#endif
