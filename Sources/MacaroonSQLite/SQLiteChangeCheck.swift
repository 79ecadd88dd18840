#if SQLite
import GRDB
import MacaroonTokens

/// Confirms a ``LookupCache`` of a ``SQLiteTokenStore`` against the file: a connection
/// of its own reads `PRAGMA data_version`, which changes whenever any other connection
/// (another process, another store, this store's writer) has committed since the last read.
/// A change flushes the cache; either way the cache serves for one more interval.
final class SQLiteChangeCheck: Sendable {
    private let connection: DatabaseQueue
    /// The last version read, and nothing else, under one lock: checks run one at a time.
    private let lastVersion: Locked<Int64>

    init(path: String, configuration: Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = "token-store-change-check"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        lastVersion = Locked(try Self.version(connection))
    }

    /// Checks for foreign commits unless another task has just done so, and confirms `cache`.
    func check(_ cache: LookupCache) throws {
        try lastVersion.withLock { (last: inout Int64) throws in
            let started = ContinuousClock.now
            guard !cache.isConfirmed(at: started) else { return }
            let version = try Self.version(connection)
            cache.confirm(checkStarted: started, changed: version != last)
            last = version
        }
    }

    /// Closes the connection; a check after it fails.
    func close() throws {
        try connection.close()
    }

    private static func version(_ connection: DatabaseQueue) throws -> Int64 {
        try connection.unsafeRead { db in
            try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        }
    }
}
#endif
