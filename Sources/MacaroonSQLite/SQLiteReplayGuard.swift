#if SQLite
import GRDB
import MacaroonTokens

extension SQLiteTokenStore: ReplayGuard {
    /// Claims in one write transaction: expired claims are forgotten, then an `INSERT`
    /// on the primary key `(scope, identifier)` succeeds for exactly one claimant, in
    /// this process or any other writing the same file.
    public func claimOnce(_ identifier: String, scope: String, until expires: Int64, now: Int64) async throws(TokenStoreError) -> Bool {
        try ReplayGuardLimits.validate(identifier: identifier, scope: scope)
        return try await write { db in
            try db.execute(sql: "DELETE FROM used_identifiers WHERE expires < ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO used_identifiers (scope, identifier, expires) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [scope, identifier, expires])
            return db.changesCount == 1
        }
    }
}
#endif
