import GRDB

/// The registry's statements on the store's SQLite file, through a GRDB
/// `DatabasePool` (WAL mode: readers never wait; one writer at a time, across
/// processes too, with a busy timeout so that `upload-server tokens create`
/// and the server can write to one file).
final class SQLiteExecutor: SQLExecutor {
    private let pool: DatabasePool

    private init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Opens (creating if needed) the database file at `path`.
    static func open(path: String) throws(RegistryError) -> SQLiteExecutor {
        var configuration = Configuration()
        configuration.label = "registry"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            return SQLiteExecutor(pool: try DatabasePool(path: path, configuration: configuration))
        } catch {
            throw .unavailable("cannot open SQLite database \(path): \(error)")
        }
    }

    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow] {
        let arguments = StatementArguments(binds.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): text
            case .integer(let integer): integer
            case .null: nil
            }
        })
        do {
            let fetch = { @Sendable (db: Database) throws -> [SQLRow] in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in Self.row(row, columns: columns) }
            }
            let isRead = sql.prefix(6).uppercased() == "SELECT"
            return try await isRead ? pool.read(fetch) : pool.write(fetch)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw .duplicate(error.message ?? "constraint violated")
        } catch {
            throw .unavailable("\(error)")
        }
    }

    func migrate(_ migrations: [[String]]) async throws(RegistryError) {
        do {
            try await pool.write { db in
                try db.execute(sql: RegistryMigrations.createVersionTable)
                let current = try Int64.fetchOne(db, sql: RegistryMigrations.currentVersionQuery) ?? 0
                for (version, statements) in try RegistryMigrations.pending(after: current, in: migrations) {
                    for statement in statements { try db.execute(sql: statement) }
                    try db.execute(sql: RegistryMigrations.recordVersion, arguments: [version, Clock.now()])
                }
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }

    private static func row(_ row: Row, columns: [SQLColumn]) -> SQLRow {
        var values: [String: SQLValue] = [:]
        for column in columns {
            let value: SQLValue? = switch column.kind {
            case .text: (row[column.name] as String?).map(SQLValue.text)
            case .integer: (row[column.name] as Int64?).map(SQLValue.integer)
            }
            values[column.name] = value ?? .null
        }
        return SQLRow(values: values)
    }
}
