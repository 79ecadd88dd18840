#if SQLite
import Foundation
import GRDB
import Logging
import MacaroonTokens

/// A ``TokenStore`` in one SQLite file (trait `SQLite`): WAL mode, many
/// concurrent readers and one writer, across threads and processes.
///
/// Lookups and listings run on the calling thread on one of the store's own read-only
/// connections (``Configuration/maximumReaders`` of them kept open), one statement each,
/// with no thread hop: in WAL mode a reader never waits for the writer, and each lookup
/// sees every transaction committed before it started. Writes run on GRDB's writer
/// queue and are awaited, each in one `IMMEDIATE` transaction. `secure_delete` is on,
/// so deleted rows and replaced keys are overwritten. ``close()`` releases the connections.
///
/// ```swift
/// let kek = try KeyEncryptionKey(id: "kek-1", hex: environment["TOKEN_KEK"]!)
/// let store = try SQLiteTokenStore(
///     path: "/var/lib/registry/tokens.sqlite",
///     configuration: .init(keyRing: KeyRing(kek), cache: .init(timeToLive: .seconds(5))), logger: logger)
/// ```
///
/// With ``Configuration/cache``, lookups are answered from memory; see ``CacheConfiguration``
/// for how deletions by this and other processes reach the cache.
public final class SQLiteTokenStore: TokenStore {
    /// The database file.
    public let path: String
    /// The keys that seal and open root keys.
    public let keyRing: KeyRing
    /// The store's settings.
    public let configuration: Configuration
    /// The writer (and the WAL set-up and migrations at open).
    private let pool: DatabasePool
    /// The read connections of lookups and listings.
    private let readers: SQLiteReaderPool
    private let cache: LookupCache?
    private let changeCheck: SQLiteChangeCheck?

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    ///
    /// Without a current key-encryption key it logs ``KeyRing/unsealedWarning`` at warning level, once.
    ///
    /// - Throws: ``TokenStoreError/Code/corrupt`` when the file is not a token store or fails SQLite's
    ///   quick check; ``TokenStoreError/Code/unavailable`` when it cannot be opened.
    public init(
        path: String, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "swift-macaroons.token-store")
    ) throws(TokenStoreError) {
        var grdb = GRDB.Configuration()
        grdb.label = "token-store"
        // GRDB's readers are not used: reads go through `readers`.
        grdb.maximumReaderCount = 1
        grdb.busyMode = .timeout(Double(configuration.busyTimeout.components.seconds) + Double(configuration.busyTimeout.components.attoseconds) * 1e-18)
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: grdb)
            try pool.writeWithoutTransaction { db in
                let check = try String.fetchOne(db, sql: "PRAGMA quick_check")
                guard check == "ok" else {
                    throw TokenStoreError(.corrupt, detail: "\(path) fails SQLite's quick check: \(check ?? "no answer")")
                }
                try SQLiteSchema.migrate(db, now: UploadRequest.currentTime())
            }
            if let settings = configuration.cache {
                let cache = LookupCache(
                    timeToLive: settings.timeToLive, capacity: settings.capacity, confirmationInterval: settings.changeCheckInterval)
                cache.startServing()
                self.cache = cache
                changeCheck = try SQLiteChangeCheck(path: path, configuration: grdb)
            } else {
                cache = nil
                changeCheck = nil
            }
        } catch {
            throw Self.storeError(error, path: path, opening: true)
        }
        readers = SQLiteReaderPool(path: path, busyTimeout: configuration.busyTimeout, maximumCount: configuration.maximumReaders)
        self.path = path
        self.keyRing = configuration.keyRing
        self.configuration = configuration
        if !keyRing.sealsKeys { logger.warning("\(KeyRing.unsealedWarning)", metadata: ["path": "\(path)"]) }
    }

    deinit {
        // The read connections first, so that the writer closes last and alone on the
        // file, checkpointing the log into it (as `close()` does).
        readers.close()
    }

    /// Opens the store at `path` with these keys and otherwise the default ``Configuration`` (no cache).
    public convenience init(path: String, keyRing: KeyRing, logger: Logger = Logger(label: "swift-macaroons.token-store")) throws(TokenStoreError) {
        try self.init(path: path, configuration: Configuration(keyRing: keyRing), logger: logger)
    }

    /// Whether lookups are answered from the cache now: the cache is on and was confirmed
    /// against the file within its ``CacheConfiguration/changeCheckInterval``.
    public var isCacheServing: Bool { cache?.isServing ?? false }

    public func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken {
        let (row, minted) = try StoredTokenRow.mint(token, now: now, keyRing: keyRing)
        do {
            try await write { db in
                try db.execute(sql: Self.insert, arguments: Self.arguments(row))
            }
        } catch where error.code == .duplicateName {
            throw TokenStoreError.duplicateName(token.name, owner: token.owner)
        }
        return minted
    }

    /// The record of `id` from the lookup cache, when it is serving a fresh entry and
    /// confirmed by a recent change check; otherwise `nil`: ask ``token(id:)``.
    public func cachedToken(id: String) -> TokenRecord? {
        cache?.hit(id)
    }

    public func token(id: String) throws(TokenStoreError) -> TokenRecord? {
        guard let cache, let changeCheck else { return try lookUp(id) }
        var checked = false
        while true {
            switch cache.lookup(id) {
            case .hit(let record):
                return record
            case .miss(let ticket):
                let record = try lookUp(id)
                cache.answer(record, for: id, ticket: ticket)
                return record
            case .unconfirmed where !checked:
                do {
                    try changeCheck.check(cache)
                } catch {
                    throw Self.storeError(error, path: path)
                }
                checked = true
            case .unconfirmed:
                // The check took longer than its interval: answer from the file, cache nothing
                // (but a token the file says is gone is remembered gone).
                let record = try lookUp(id)
                cache.answer(record, for: id, ticket: nil)
                return record
            }
        }
    }

    public func tokens(ownedBy owner: TokenOwner) throws(TokenStoreError) -> [TokenInfo] {
        let rows = try read { reader in try reader.tokens(ownedBy: owner) }
        var infos: [TokenInfo] = []
        for row in rows { infos.append(try row.info()) }
        return infos
    }

    public func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) {
        let deleted = try await write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE id = ? AND \(Self.ownerColumn(owner)) = ?", arguments: [id, owner.id])
            return db.changesCount
        }
        cache?.invalidate(id)
        guard deleted == 1 else { throw TokenStoreError.notFound(id: id, owner: owner) }
    }

    public func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int {
        let deleted = try await write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE \(Self.ownerColumn(owner)) = ?", arguments: [owner.id])
            return db.changesCount
        }
        if deleted > 0 { cache?.invalidateAll() }
        return deleted
    }

    public func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int {
        let purged = try await write { db in
            try db.execute(sql: "DELETE FROM tokens WHERE expires <= ?", arguments: [now])
            return db.changesCount
        }
        if purged > 0 { cache?.invalidateAll() }
        return purged
    }

    public func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError) {
        guard !lastUsed.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: "UPDATE tokens SET last_used = ?1 WHERE id = ?2 AND (last_used IS NULL OR last_used < ?1)")
            for (id, time) in lastUsed {
                try statement.execute(arguments: [time, id])
            }
        }
    }

    public func rewrap() async throws(TokenStoreError) -> Int {
        guard let current = keyRing.current else { return 0 }
        let keyRing = keyRing
        var total = 0
        // Short transactions of at most 256 rows, so that other writers interleave.
        while true {
            let rewrapped = try await write { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(Self.columns) FROM tokens WHERE key_id IS NOT ? LIMIT 256", arguments: [current.id]
                ).map(Self.row)
                var rewrapped = 0
                for row in rows {
                    guard let new = try row.rewrapped(keyRing: keyRing) else { continue }
                    try db.execute(
                        sql: "UPDATE tokens SET key_id = ?, root_key = ? WHERE id = ?",
                        arguments: [new.keyID, Data(new.rootKey), new.id])
                    rewrapped += 1
                }
                return rewrapped
            }
            total += rewrapped
            if rewrapped == 0 { break }
        }
        if total > 0 {
            // Move the new pages into the main file and empty the log, so no old key stays on disk.
            try await writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        return total
    }

    /// Closes the store: empties the lookup cache and closes the idle read connections,
    /// the cache's check connection and the writer at once, and each read connection in
    /// use when its read returns. Every operation after it fails with
    /// ``TokenStoreError/Code/unavailable``. Without it, the connections close when the
    /// store is released.
    ///
    /// - Throws: ``TokenStoreError/Code/unavailable`` if SQLite refuses to close the writer.
    public func close() throws(TokenStoreError) {
        cache?.stopServing()
        readers.close()
        do {
            try changeCheck?.close()
            try pool.close()
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// The row with this id, read from the file (never from the cache).
    private func lookUp(_ id: String) throws(TokenStoreError) -> TokenRecord? {
        try read { reader in try reader.token(id: id) }?.record(keyRing: keyRing)
    }

    // MARK: - SQL

    /// The columns of a token row, in the order every decoder here reads them.
    static let columns = "id, user_id, publisher_id, description, created, last_used, expires, caveats, additional, key_id, root_key"
    static let insert = "INSERT INTO tokens (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static func ownerColumn(_ owner: TokenOwner) -> String {
        owner.userID != nil ? "user_id" : "publisher_id"
    }

    static func arguments(_ row: StoredTokenRow) -> StatementArguments {
        [row.id, row.userID, row.publisherID, row.name, row.created, row.lastUsed, row.expires, row.caveats,
         row.additional, row.keyID, Data(row.rootKey)]
    }

    /// Decodes with GRDB's throwing accessors: a damaged row is an error, never a trap.
    static func row(_ row: Row) throws -> StoredTokenRow {
        StoredTokenRow(
            id: try row.decode(atIndex: 0), userID: try row.decode(atIndex: 1), publisherID: try row.decode(atIndex: 2),
            name: try row.decode(atIndex: 3), created: try row.decode(atIndex: 4), lastUsed: try row.decode(atIndex: 5),
            expires: try row.decode(atIndex: 6), caveats: try row.decode(atIndex: 7), additional: try row.decode(atIndex: 8),
            keyID: try row.decode(atIndex: 9),
            rootKey: try row.withUnsafeData(atIndex: 10) { data in data.map { [UInt8]($0) } ?? [] })
    }

    // MARK: - Running and errors

    private func read<T>(_ body: (SQLiteReader) throws -> T) throws(TokenStoreError) -> T {
        do {
            return try readers.withReader(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(TokenStoreError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    private func writeWithoutTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(TokenStoreError) -> T {
        do {
            return try await pool.writeWithoutTransaction(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Every failure as a ``TokenStoreError``: uniqueness is a refusal, the rest is operational.
    static func storeError(_ error: any Error, path: String, opening: Bool = false) -> TokenStoreError {
        if let error = error as? TokenStoreError { return error }
        if error is RowDecodingError {
            // GRDB's description of this error prints the row, key included: never pass it on.
            return TokenStoreError(.corrupt, detail: "\(path) holds a token row with a NULL or mistyped column")
        }
        guard let error = error as? DatabaseError else {
            return TokenStoreError(.unavailable, detail: "\(path): \(error)")
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE:
            return TokenStoreError(.duplicateName, detail: "the owner already has a token with this name")
        default:
            break
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT, .SQLITE_MISMATCH:
            return TokenStoreError(.corrupt, detail: "\(path) is not a usable token store: \(message)")
        case .SQLITE_ERROR where opening:
            // At open, a plain error is a file whose schema is not ours (e.g. a `tokens` table of another shape).
            return TokenStoreError(.corrupt, detail: "\(path) is not a usable token store: \(message)")
        default:
            return TokenStoreError(.unavailable, detail: "\(path): \(message)")
        }
    }
}
#endif
