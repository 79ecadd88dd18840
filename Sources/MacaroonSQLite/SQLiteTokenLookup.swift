#if SQLite
import GRDB
import GRDBSQLite
import MacaroonTokens

/// The lookup by primary key, read straight from SQLite's C interface on GRDB's cached
/// statement: the id is bound without copying, and each column is decoded once, into the
/// row, without GRDB's `StatementArguments`, `Row` or `DatabaseValue` in between.
enum SQLiteTokenLookup {
    static let sql = "SELECT \(SQLiteTokenStore.columns) FROM tokens WHERE id = ?"

    /// The row with this id, or `nil`; runs on a connection GRDB lent the caller.
    ///
    /// A NULL in a column that may not hold one is a ``TokenStoreError/Code/corrupt`` error.
    static func row(id: String, in db: Database) throws -> StoredTokenRow? {
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        var text = id
        return try text.withUTF8 { bytes in
            // SQLITE_STATIC (no copy): the bytes are unbound before this closure returns.
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            let pointer = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            var code = sqlite3_bind_text(statement, 1, pointer, Int32(bytes.count), nil)
            if code == SQLITE_OK { code = sqlite3_step(statement) }
            switch code {
            case SQLITE_DONE:
                return nil
            case SQLITE_ROW:
                return try decode(statement, id: id)
            default:
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    private static func decode(_ statement: SQLiteStatement, id: String) throws -> StoredTokenRow {
        func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
        }
        func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }
        func required<T>(_ value: T?) throws -> T {
            guard let value else { throw TokenStoreError(.corrupt, detail: "token row \(id) has a NULL in a required column") }
            return value
        }
        let count = Int(sqlite3_column_bytes(statement, 10))
        let key = sqlite3_column_blob(statement, 10).map { [UInt8](UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        return StoredTokenRow(
            id: id, userID: text(1), publisherID: text(2), name: try required(text(3)), created: try required(integer(4)),
            lastUsed: integer(5), expires: integer(6), caveats: try required(text(7)), additional: text(8), keyID: text(9),
            rootKey: key)
    }
}
#endif
