#if SQLite
import GRDB
import MacaroonTokens

/// The SQLite schema, as numbered migrations (see Specs/token-store.md).
/// Add a step at the end; never edit a released one.
enum SQLiteSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 1, name: "create tokens", statements: [
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY NOT NULL,
                user_id TEXT,
                publisher_id TEXT,
                description TEXT NOT NULL,
                created INTEGER NOT NULL,
                last_used INTEGER,
                expires INTEGER,
                caveats TEXT NOT NULL,
                additional TEXT,
                key_id TEXT,
                root_key BLOB NOT NULL,
                CHECK ((user_id IS NULL) <> (publisher_id IS NULL))
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX tokens_user_description ON tokens (user_id, description) WHERE user_id IS NOT NULL",
            "CREATE UNIQUE INDEX tokens_publisher_description ON tokens (publisher_id, description) WHERE publisher_id IS NOT NULL",
            "CREATE INDEX tokens_expires ON tokens (expires) WHERE expires IS NOT NULL",
        ]),
        // ReplayGuard: single-use identifiers (OIDC jti), each remembered until it expires.
        SchemaMigration(version: 2, name: "create used identifiers", statements: [
            """
            CREATE TABLE used_identifiers (
                scope TEXT NOT NULL,
                identifier TEXT NOT NULL,
                expires INTEGER NOT NULL,
                PRIMARY KEY (scope, identifier)
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE INDEX used_identifiers_expires ON used_identifiers (expires)",
        ]),
    ]

    /// Brings the database to the newest schema, one migration per transaction;
    /// `BEGIN IMMEDIATE` makes processes opening the file at once take turns.
    static func migrate(_ db: Database, now: Int64) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS token_store_migrations (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            ) STRICT
            """)
        var applying: SchemaMigration?
        repeat {
            applying = nil
            try db.inTransaction(.immediate) {
                let applied = try Int.fetchAll(db, sql: "SELECT version FROM token_store_migrations")
                guard let next = try SchemaMigration.pending(applied: applied, known: migrations).first else { return .commit }
                for statement in next.statements { try db.execute(sql: statement) }
                try db.execute(
                    sql: "INSERT INTO token_store_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    arguments: [next.version, next.name, now])
                applying = next
                return .commit
            }
        } while applying != nil
    }
}
#endif
