import GRDB

/// The registry's statements on the store's SQLite file, through a GRDB
/// `DatabasePool` (WAL mode: readers never wait; one writer at a time, across
/// processes too, with a busy timeout so that `upload-server tokens create`
/// and the server can write to one file).
final class SQLiteExecutor: SQLExecutor {
    private let pool: DatabasePool
    private let path: String

    private init(pool: DatabasePool, path: String) {
        self.pool = pool
        self.path = path
    }

    /// The settings of every connection: a 10 s busy timeout, foreign keys enforced.
    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "registry"
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        return configuration
    }

    /// Opens (creating if needed) the database file at `path`.
    static func open(path: String) throws(RegistryError) -> SQLiteExecutor {
        do {
            return SQLiteExecutor(pool: try DatabasePool(path: path, configuration: configuration()), path: path)
        } catch {
            throw .unavailable("cannot open SQLite database \(path): \(error)")
        }
    }

    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow] {
        do {
            let fetch = { @Sendable (db: Database) throws -> [SQLRow] in try Self.run(sql, binds, columns: columns, in: db) }
            let isRead = sql.prefix(6).uppercased() == "SELECT"
            return try await isRead ? pool.read(fetch) : pool.write(fetch)
        } catch {
            throw Self.map(error)
        }
    }

    /// A transaction on a connection of its own (the pool's writer serves other requests meanwhile),
    /// opened with `BEGIN IMMEDIATE`: it holds the file's write lock from its first statement, so
    /// its reads and writes are one unit across processes too.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let connection: DatabaseQueue
        do {
            var configuration = Self.configuration()
            // The transaction spans several accesses (one per statement), ended by COMMIT or ROLLBACK below.
            configuration.allowsUnsafeTransactions = true
            connection = try DatabaseQueue(path: path, configuration: configuration)
            try await connection.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        } catch {
            throw Self.map(error)
        }
        let value: T
        do {
            value = try await body(SQLiteTransaction(connection: connection))
        } catch {
            try? await connection.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
            throw error
        }
        do {
            try await connection.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        } catch {
            try? await connection.writeWithoutTransaction { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") } }
            throw Self.map(error)
        }
        return value
    }

    /// Applies the migrations not applied yet, in one transaction that holds the database's
    /// write lock (so that instances starting together apply each once).
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

    /// Runs one statement on `db`.
    fileprivate static func run(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn], in db: Database) throws -> [SQLRow] {
        let arguments = StatementArguments(binds.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): text
            case .integer(let integer): integer
            case .null: nil
            }
        })
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in Self.row(row, columns: columns) }
    }

    /// A constraint violation is the request's (``RegistryError/duplicate(_:)``); anything else operational.
    fileprivate static func map(_ error: any Error) -> RegistryError {
        if let error = error as? RegistryError { return error }
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
            return .duplicate(error.message ?? "constraint violated")
        }
        return .unavailable("\(error)")
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

/// Statements inside one of ``SQLiteExecutor``'s transactions, on its connection.
private struct SQLiteTransaction: SQLExecutor {
    let connection: DatabaseQueue

    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow] {
        do {
            return try await connection.writeWithoutTransaction { db in try SQLiteExecutor.run(sql, binds, columns: columns, in: db) }
        } catch {
            throw SQLiteExecutor.map(error)
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await body(self)
    }
}
