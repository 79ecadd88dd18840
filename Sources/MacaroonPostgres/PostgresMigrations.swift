#if PostgreSQL
import MacaroonTokens
import PostgresNIO

/// One step of the PostgreSQL schema: applied once, in order of ``version``,
/// in the same transaction as its row in `macaroon_schema_migrations`.
struct PostgresMigration: Sendable {
    /// The schema version this step brings the database to (1, 2, …, without gaps).
    let version: Int
    /// What the step does, stored with it.
    let name: String
    /// The statements, run in order.
    let statements: [PostgresQuery]
}

/// The schema of the PostgreSQL token store, as its migrations (see Specs/token-store.md).
/// Never edit a released step: add the next one.
enum PostgresMigrations {
    /// The channel the revocation trigger notifies, with a token id or `*` (every token).
    static let revocationChannel = "macaroon_tokens_revoked"

    /// Every step, oldest first.
    static let all: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "token rows", statements: [
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
        PostgresMigration(version: 2, name: "revocation notifications", statements: [
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
    ]

    /// The version the last step brings the schema to.
    static var latestVersion: Int { all.last?.version ?? 0 }

    /// Brings the schema to ``latestVersion``: every pending step in one
    /// transaction (all or nothing), under an advisory lock so that instances
    /// starting together migrate once. Returns the versions applied.
    ///
    /// - Throws: ``TokenStoreError/Code/corrupt`` when the database is at a version newer than this library.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(advisoryLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS macaroon_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM macaroon_schema_migrations", logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= latestVersion else {
                throw TokenStoreError(.corrupt, detail: "the PostgreSQL schema is at version \(current), newer than this library's \(latestVersion)")
            }
            var applied: [Int] = []
            for migration in all where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO macaroon_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// The advisory lock key held while migrating (`macaroon` in ASCII).
    private static let advisoryLock: Int64 = 0x6D61_6361_726F_6F6E
}
#endif
