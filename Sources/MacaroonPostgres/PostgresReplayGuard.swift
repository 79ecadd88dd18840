#if PostgreSQL
import MacaroonTokens
import PostgresNIO

extension PostgresTokenStore: ReplayGuard {
    /// One upsert on the primary key `(scope, identifier)`: a new identifier is inserted,
    /// an expired one taken over, a live one left alone; a row comes back only to the
    /// claimant that wrote. PostgreSQL serializes concurrent claims from every instance.
    public func claimOnce(_ identifier: String, scope: String, until expires: Int64, now: Int64) async throws(TokenStoreError) -> Bool {
        try ReplayGuardLimits.validate(identifier: identifier, scope: scope)
        return try await perform("claiming a one-time identifier") { [client] in
            try await client.query("DELETE FROM macaroon_used_identifiers WHERE expires < \(now)")
            let rows = try await client.query(
                """
                INSERT INTO macaroon_used_identifiers AS used (scope, identifier, expires) VALUES (\(scope), \(identifier), \(expires))
                ON CONFLICT (scope, identifier) DO UPDATE SET expires = excluded.expires WHERE used.expires < \(now)
                RETURNING 1
                """)
            var claimed = false
            for try await _ in rows { claimed = true }
            return claimed
        }
    }
}
#endif
