#if SQLite
import GRDB
import GRDBSQLite
import MacaroonTokens

/// One read-only connection to a store's file, opened with SQLite's C interface, and the
/// statements prepared on it; lookups and listings run on it on the calling thread.
///
/// Every statement runs on its own, outside any transaction: SQLite gives each step a
/// fresh WAL snapshot, which sees every transaction committed before it started (by this
/// process or another), and ``rows(_:binding:_:)`` resets the statement before it
/// returns, so no snapshot outlives the call. An exclusive lock held by another
/// connection (one in exclusive locking mode, the recovery of the log after a crash)
/// makes the step retry on the calling thread, sleeping, for up to the busy timeout,
/// then fail with `SQLITE_BUSY`.
///
/// Not thread-safe: ``SQLiteReaderPool`` lends it to one caller at a time (hence
/// `@unchecked Sendable`, so that the pool can hand it from thread to thread). The
/// connection and its statements are closed when the reader is released.
package final class SQLiteReader: @unchecked Sendable {
    /// The statements a reader prepares, each on first use.
    enum Query: Int, CaseIterable {
        /// A token by its id, every column.
        case token
        /// A user's tokens, oldest first, without keys.
        case tokensOfUser
        /// A trusted publisher's tokens, oldest first, without keys.
        case tokensOfPublisher

        /// The listing of `owner`'s tokens.
        static func tokens(ownedBy owner: TokenOwner) -> Query {
            owner.userID != nil ? .tokensOfUser : .tokensOfPublisher
        }

        var sql: String {
            switch self {
            case .token: "SELECT \(SQLiteTokenStore.columns) FROM tokens WHERE id = ?"
            case .tokensOfUser: Self.listing(ownerColumn: "user_id")
            case .tokensOfPublisher: Self.listing(ownerColumn: "publisher_id")
            }
        }

        /// The columns of ``SQLiteTokenStore/columns``, but for an empty key: listings never read keys.
        private static func listing(ownerColumn: String) -> String {
            "SELECT id, user_id, publisher_id, description, created, last_used, expires, caveats, additional, key_id, x'' AS root_key "
                + "FROM tokens WHERE \(ownerColumn) = ? ORDER BY created, id"
        }
    }

    private let connection: OpaquePointer
    private var statements: [OpaquePointer?] = Array(repeating: nil, count: Query.allCases.count)

    /// Opens `path` read-only, with `PRAGMA query_only` on as well; `busyTimeout` bounds
    /// how long a statement waits for another connection's lock.
    ///
    /// - Throws: `DatabaseError` with SQLite's code when the file cannot be opened.
    init(path: String, busyTimeout: Duration) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard let handle else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot open \(path)") }
        guard code == SQLITE_OK else {
            let error = Self.error(code, handle)
            sqlite3_close_v2(handle)
            throw error
        }
        connection = handle
        sqlite3_extended_result_codes(handle, 1)
        // Whole milliseconds, the fraction of a second included (900 ms is not 0), at most Int32.max.
        let (seconds, attoseconds) = busyTimeout.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        let total = milliseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        sqlite3_busy_timeout(handle, milliseconds.overflow || total.overflow ? .max : Int32(clamping: total.partialValue))
        let pragma = sqlite3_exec(handle, "PRAGMA query_only = ON", nil, nil, nil)
        guard pragma == SQLITE_OK else { throw Self.error(pragma, handle) }
    }

    deinit {
        for statement in statements { sqlite3_finalize(statement) }
        sqlite3_close_v2(connection)
    }

    /// Runs `query` with `text` bound to its one parameter and calls `row` with the statement
    /// on each result row (read the columns with `sqlite3_column_*` inside the call only);
    /// stops early when `row` returns `false`. The statement is reset before this returns.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message when the query fails, or what `row` throws.
    func rows(_ query: Query, binding text: String, _ row: (OpaquePointer) throws -> Bool) throws {
        let statement = try prepared(query)
        var text = text
        try text.withUTF8 { bytes in
            // SQLITE_STATIC (no copy): the bytes are unbound before this closure returns.
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let pointer = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            // No text SQLite holds is 2 GiB long or more: such a value matches no row (and must not trap).
            guard let length = Int32(exactly: bytes.count) else { return }
            var code = sqlite3_bind_text(statement, 1, pointer, length, nil)
            guard code == SQLITE_OK else { throw Self.error(code, connection) }
            while true {
                code = sqlite3_step(statement)
                guard code == SQLITE_ROW else { break }
                guard try row(statement) else { return }
            }
            guard code == SQLITE_DONE else { throw Self.error(code, connection) }
        }
    }

    /// `query`'s statement, prepared on first use.
    private func prepared(_ query: Query) throws -> OpaquePointer {
        if let statement = statements[query.rawValue] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, query.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw Self.error(code, connection) }
        statements[query.rawValue] = statement
        return statement
    }

    /// SQLite's code and message as GRDB's error, which ``SQLiteTokenStore`` maps to a ``TokenStoreError``.
    private static func error(_ code: Int32, _ connection: OpaquePointer) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
    }
}
#endif
