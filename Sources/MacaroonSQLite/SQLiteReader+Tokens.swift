#if SQLite
import GRDBSQLite
import MacaroonTokens

/// The token reads, decoded straight from SQLite's C interface: the id or owner is bound
/// without copying, and each column is decoded once, into the row.
extension SQLiteReader {
    /// The row with this id, or `nil`.
    ///
    /// - Throws: ``TokenStoreError/Code/corrupt`` for a NULL in a column that may not hold one;
    ///   SQLite's `DatabaseError` when the query fails.
    package func token(id: String) throws -> StoredTokenRow? {
        var found: StoredTokenRow?
        try rows(.token, binding: id) { statement in
            found = try Self.decode(statement, id: id)
            return false
        }
        return found
    }

    /// The owner's rows, oldest first, with an empty key column (listings never read keys).
    ///
    /// - Throws: as ``token(id:)``.
    package func tokens(ownedBy owner: TokenOwner) throws -> [StoredTokenRow] {
        var found: [StoredTokenRow] = []
        try rows(.tokens(ownedBy: owner), binding: owner.id) { statement in
            found.append(try Self.decode(statement, id: nil))
            return true
        }
        return found
    }

    /// The eleven columns of ``SQLiteTokenStore/columns`` on the current row; `id` when the caller
    /// knows it already (saves decoding column 0).
    private static func decode(_ statement: OpaquePointer, id: String?) throws -> StoredTokenRow {
        // SQLite stores text without checking it: bytes that are not UTF-8 make the row corrupt,
        // never a repaired string (`alice` + 0xFF would read as `alice\u{FFFD}`, another owner).
        func text(_ column: Int32) throws -> String? {
            guard sqlite3_column_type(statement, column) != SQLITE_NULL, let bytes = sqlite3_column_text(statement, column) else { return nil }
            let raw = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column)))
            let string = String(decoding: raw, as: UTF8.self)
            guard string.utf8.elementsEqual(raw) else {
                throw TokenStoreError(.corrupt, detail: "token row \(id ?? "in a listing") has text that is not UTF-8 in column \(column)")
            }
            return string
        }
        func integer(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }
        let rowID = try id ?? text(0)
        func required<T>(_ value: T?) throws -> T {
            guard let value else { throw TokenStoreError(.corrupt, detail: "token row \(rowID ?? "without an id") has a NULL in a required column") }
            return value
        }
        let id = try required(rowID)
        // The pointer first, then its length (SQLite's documented order).
        let blob = sqlite3_column_blob(statement, 10)
        let count = Int(sqlite3_column_bytes(statement, 10))
        let key = blob.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
        return StoredTokenRow(
            id: id, userID: try text(1), publisherID: try text(2), name: try required(text(3)), created: try required(integer(4)),
            lastUsed: integer(5), expires: integer(6), caveats: try required(text(7)), additional: try text(8), keyID: try text(9),
            rootKey: key)
    }
}
#endif
