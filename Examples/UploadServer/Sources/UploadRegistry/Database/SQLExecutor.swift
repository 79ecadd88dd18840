/// A value bound to, or read from, a registry SQL statement.
///
/// The registry's tables use only text and 64-bit integers, so that one set
/// of statements runs on SQLite and on PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case null

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }
}

/// One result row, by column name.
public struct SQLRow: Sendable {
    let values: [String: SQLValue]

    /// The text in `column`; throws when it is missing or not text.
    func text(_ column: String) throws(RegistryError) -> String {
        guard let value = values[column]?.text else { throw RegistryError.corrupt("column \(column) is not text") }
        return value
    }

    /// The integer in `column`; throws when it is missing or not an integer.
    func integer(_ column: String) throws(RegistryError) -> Int64 {
        guard let value = values[column]?.integer else { throw RegistryError.corrupt("column \(column) is not an integer") }
        return value
    }
}

/// Runs the registry's statements on one database, or inside one of its transactions.
/// Statements use `$1`, `$2`, … placeholders, each used once and in order (both SQLite
/// and PostgreSQL read them).
protocol SQLExecutor: Sendable {
    /// Runs a statement and returns its rows. `columns` names the result columns and their types.
    func query(_ sql: String, _ binds: [SQLValue], columns: [SQLColumn]) async throws(RegistryError) -> [SQLRow]
    /// Runs `body` in one transaction, its statements on the executor it is given: committed
    /// when `body` returns, rolled back when it throws (its error passes through unchanged).
    /// Inside a transaction, `transaction` runs `body` in the same one.
    ///
    /// - Throws: what `body` throws; ``RegistryError`` when the transaction cannot begin or commit.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T
}

extension SQLExecutor {
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ binds: [SQLValue] = []) async throws(RegistryError) {
        _ = try await query(sql, binds, columns: [])
    }
}

/// A result column: its name and the type to read it as.
struct SQLColumn: Sendable {
    enum Kind: Sendable { case text, integer }
    let name: String
    let kind: Kind

    static func text(_ name: String) -> SQLColumn { SQLColumn(name: name, kind: .text) }
    static func integer(_ name: String) -> SQLColumn { SQLColumn(name: name, kind: .integer) }
}
