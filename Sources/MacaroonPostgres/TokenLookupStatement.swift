#if PostgreSQL
import MacaroonTokens
import PostgresNIO

/// The lookup by identifier as a prepared statement: parsed and planned once per
/// connection, then only bound and executed (the verification hot path).
struct TokenLookupStatement: PostgresPreparedStatement {
    static let sql = "SELECT \(PostgresTokenStore.columns) FROM macaroon_tokens WHERE id = $1::uuid"
    typealias Row = StoredTokenRow

    /// The token's identifier, already checked to be a canonical UUID.
    let id: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> StoredTokenRow {
        try PostgresTokenStore.storedRow(row)
    }
}
#endif
