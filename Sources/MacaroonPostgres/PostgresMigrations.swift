#if PostgreSQL
import MacaroonTokens
import PostgresNIO

/// The schema of the PostgreSQL token store, as numbered ``SchemaMigration``s
/// (see Specs/token-store.md). Add a step at the end; never edit a released one.
enum PostgresMigrations {
    /// The channel the revocation trigger notifies, with a token id or `*` (every token).
    static let revocationChannel = "macaroon_tokens_revoked"

    /// Every step, oldest first.
    static let all: [SchemaMigration] = [
        SchemaMigration(version: 1, name: "token rows", statements: [
            """
            CREATE TABLE macaroon_tokens (
                id uuid PRIMARY KEY,
                user_id text,
                publisher_id text,
                description text NOT NULL,
                created bigint NOT NULL,
                last_used bigint,
                expires bigint,
                caveats json NOT NULL,
                additional json,
                key_id text,
                root_key bytea NOT NULL,
                CONSTRAINT macaroon_tokens_one_owner CHECK ((user_id IS NULL) <> (publisher_id IS NULL))
            )
            """,
            "CREATE UNIQUE INDEX macaroon_tokens_user_description ON macaroon_tokens (user_id, description) WHERE user_id IS NOT NULL",
            "CREATE UNIQUE INDEX macaroon_tokens_publisher_description ON macaroon_tokens (publisher_id, description) WHERE publisher_id IS NOT NULL",
            "CREATE INDEX macaroon_tokens_expires ON macaroon_tokens (expires) WHERE expires IS NOT NULL",
        ]),
        SchemaMigration(version: 2, name: "revocation notifications", statements: [
            // One notification per deleted row, in the deleting transaction (delivered at commit);
            // `*` instead when a statement deletes more than 1,000 rows or truncates.
            """
            CREATE FUNCTION macaroon_tokens_notify_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT count(*) FROM deleted_rows) > 1000 THEN
                    PERFORM pg_notify('macaroon_tokens_revoked', '*');
                ELSE
                    PERFORM pg_notify('macaroon_tokens_revoked', id::text) FROM deleted_rows;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER macaroon_tokens_deleted AFTER DELETE ON macaroon_tokens
            REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION macaroon_tokens_notify_deleted()
            """,
            """
            CREATE FUNCTION macaroon_tokens_notify_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('macaroon_tokens_revoked', '*');
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER macaroon_tokens_truncated AFTER TRUNCATE ON macaroon_tokens
            FOR EACH STATEMENT EXECUTE FUNCTION macaroon_tokens_notify_truncated()
            """,
        ]),
        // ReplayGuard: single-use identifiers (OIDC jti), each remembered until it expires.
        SchemaMigration(version: 3, name: "used identifiers", statements: [
            """
            CREATE TABLE macaroon_used_identifiers (
                scope text NOT NULL,
                identifier text NOT NULL,
                expires bigint NOT NULL,
                PRIMARY KEY (scope, identifier)
            )
            """,
            "CREATE INDEX macaroon_used_identifiers_expires ON macaroon_used_identifiers (expires)",
        ]),
    ]

    /// The version the last step brings the schema to.
    static var latestVersion: Int { all.count }

    /// Brings the schema to ``latestVersion``, each pending step in its own
    /// transaction together with its row in `token_store_migrations`, under an
    /// advisory lock so that instances starting together take turns and each step
    /// runs once. Returns the versions applied.
    ///
    /// - Throws: ``TokenStoreError/Code/corrupt`` when the database records a version newer
    ///   than this library's, or versions that are not 1…n (``SchemaMigration/pending(applied:known:)``).
    static func migrate(_ client: PostgresClient, now: Int64, logger: Logger) async throws -> [Int] {
        var applied: [Int] = []
        while let version = try await applyNextStep(client, now: now, logger: logger) {
            applied.append(version)
        }
        return applied
    }

    /// Applies the first pending step in one transaction; `nil` when none is pending.
    private static func applyNextStep(_ client: PostgresClient, now: Int64, logger: Logger) async throws -> Int? {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(advisoryLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS token_store_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at bigint NOT NULL
                )
                """, logger: logger)
            var recorded: [Int] = []
            for try await version in try await connection.query("SELECT version FROM token_store_migrations", logger: logger).decode(Int.self) {
                recorded.append(version)
            }
            guard let next = try SchemaMigration.pending(applied: recorded, known: all).first else { return nil }
            for statement in next.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query(
                "INSERT INTO token_store_migrations (version, name, applied_at) VALUES (\(next.version), \(next.name), \(now))",
                logger: logger)
            return next.version
        }
    }

    /// The advisory lock key held while migrating (`macaroon` in ASCII).
    private static let advisoryLock: Int64 = 0x6D61_6361_726F_6F6E
}
#endif
