import Logging
import MacaroonPostgres
import PostgresNIO

/// The registry's statements on a PostgreSQL database, through a pooled
/// `PostgresClient` (a service the server runs; see ``RegistryStore``).
struct PostgresExecutor: SQLExecutor {
    let client: PostgresClient
    let logger: Logger
    /// How long a statement (or a whole transaction) may take before the request gets a 503
    /// (a database that stops answering must not hang requests); bounded by MacaroonPostgres'
    /// `withDeadline`, as the token store bounds its own operations.
    var timeout: Duration = .seconds(5)

    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow] {
        do {
            return try await withDeadline(timeout) { [client, logger] in
                try await client.withConnection { connection in
                    try await Self.run(sql, binds, columns: columns, on: connection, logger: logger)
                }
            }
        } catch {
            throw map(error)
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await withDeadline(timeout) { [client, logger] in
                try await client.withTransaction(logger: logger) { connection in
                    try await body(PostgresTransaction(connection: connection, logger: logger))
                }
            }
        } catch let error as PostgresTransactionError {
            // The body's own error (a refusal, or a statement's RegistryError) passes through.
            if let bodyError = error.closureError { throw bodyError }
            throw map(error.beginError ?? error.commitError ?? error)
        } catch {
            throw map(error)
        }
    }

    /// Applies the migrations not applied yet, in one transaction that holds the database's
    /// write lock (so that instances starting together apply each once).
    func migrate(_ migrations: [[String]]) async throws(RegistryError) {
        do {
            try await client.withTransaction(logger: logger) { connection in
                // One instance at a time (a transaction-scoped advisory lock, released at commit).
                try await connection.query("SELECT pg_advisory_xact_lock(726001)", logger: logger)
                _ = try await Self.run(RegistryMigrations.createVersionTable, [], columns: [], on: connection, logger: logger)
                let rows = try await Self.run(
                    RegistryMigrations.currentVersionQuery, [], columns: [.integer("version")], on: connection, logger: logger)
                let current = try rows.first?.integer("version") ?? 0
                for (version, statements) in try RegistryMigrations.pending(after: current, in: migrations) {
                    for statement in statements { _ = try await Self.run(statement, [], columns: [], on: connection, logger: logger) }
                    _ = try await Self.run(
                        RegistryMigrations.recordVersion, [.integer(version), .integer(Clock.now())], columns: [], on: connection,
                        logger: logger)
                }
            }
        } catch {
            throw map(error)
        }
    }

    fileprivate static func run(
        _ sql: String, _ binds: [SQLValue], columns: [SQLColumn], on connection: PostgresConnection, logger: Logger
    ) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .null: bindings.appendNull()
            }
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        var result: [SQLRow] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            var values: [String: SQLValue] = [:]
            for column in columns {
                switch column.kind {
                case .text: values[column.name] = try cells[column.name].decode(String?.self, context: .default).map(SQLValue.text) ?? .null
                case .integer: values[column.name] = try cells[column.name].decode(Int64?.self, context: .default).map(SQLValue.integer) ?? .null
                }
            }
            result.append(SQLRow(values: values))
        }
        return result
    }

    /// The registry's error for anything thrown while talking to PostgreSQL.
    fileprivate func map(_ error: any Error) -> RegistryError {
        if error is DeadlineExceeded { return .unavailable("the database did not answer within \(timeout)") }
        return Self.mapStatement(error)
    }

    /// A statement's failure: a unique violation is the request's, anything else operational.
    fileprivate static func mapStatement(_ error: any Error) -> RegistryError {
        if let error = error as? RegistryError { return error }
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" {
            return .duplicate(error.serverInfo?[.message] ?? "duplicate")
        }
        return .unavailable(String(reflecting: error))
    }
}

/// Statements inside one of ``PostgresExecutor``'s transactions, on its connection.
private struct PostgresTransaction: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger

    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow] {
        do {
            return try await PostgresExecutor.run(sql, binds, columns: columns, on: connection, logger: logger)
        } catch {
            throw PostgresExecutor.mapStatement(error)
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await body(self)
    }
}
