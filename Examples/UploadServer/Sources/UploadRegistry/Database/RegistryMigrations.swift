/// The registry's schema, as numbered migrations applied in order, once each.
///
/// The tables sit in the token store's database (names prefixed `registry_`,
/// next to the store's own tables) so that every server instance sharing the
/// database agrees on users, projects and files. Append a migration to change
/// the schema; never edit one that has shipped. The statements are the same on
/// SQLite and PostgreSQL (text and 64-bit integers only).
enum RegistryMigrations {
    /// Migration `n` is `all[n - 1]`.
    static let all: [[String]] = [
        // 1: users, projects with one owner, and release files.
        [
            """
            CREATE TABLE registry_users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE registry_projects (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                normalized_name TEXT NOT NULL UNIQUE,
                owner_id TEXT NOT NULL REFERENCES registry_users(id),
                created BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE registry_files (
                filename TEXT PRIMARY KEY,
                project_id TEXT NOT NULL REFERENCES registry_projects(id),
                version TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size BIGINT NOT NULL,
                uploaded BIGINT NOT NULL,
                stored_name TEXT NOT NULL,
                uploader_id TEXT NOT NULL
            )
            """,
            "CREATE INDEX registry_files_project ON registry_files (project_id)",
        ],
        // 2: GitHub Actions trusted publishers (Warehouse's github_oidc_publishers) and their projects.
        [
            """
            CREATE TABLE registry_github_publishers (
                id TEXT PRIMARY KEY,
                repository_owner TEXT NOT NULL,
                repository_name TEXT NOT NULL,
                repository_owner_id TEXT NOT NULL,
                workflow_filename TEXT NOT NULL,
                environment TEXT NOT NULL,
                created BIGINT NOT NULL,
                UNIQUE (repository_owner, repository_name, workflow_filename, environment)
            )
            """,
            """
            CREATE TABLE registry_publisher_projects (
                publisher_id TEXT NOT NULL REFERENCES registry_github_publishers(id),
                project_id TEXT NOT NULL REFERENCES registry_projects(id),
                PRIMARY KEY (publisher_id, project_id)
            )
            """,
        ],
        // 3: one sdist per release, as Warehouse: an sdist records its release (the canonical version,
        // PEP 440 with trailing zeros dropped), wheels NULL (distinct in a unique index on both databases).
        // Sdists recorded before this migration have none, and are not counted.
        [
            "ALTER TABLE registry_files ADD COLUMN sdist_release TEXT",
            "CREATE UNIQUE INDEX registry_files_one_sdist ON registry_files (project_id, sdist_release)",
        ],
    ]

    /// Creates the table of applied versions (first statement of every migration run).
    static let createVersionTable =
        "CREATE TABLE IF NOT EXISTS registry_migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)"
    /// Answers the current version in a column `version`.
    static let currentVersionQuery = "SELECT COALESCE(MAX(version), 0) AS version FROM registry_migrations"
    /// Records a version as applied: binds the version and the time.
    static let recordVersion = "INSERT INTO registry_migrations (version, applied) VALUES ($1, $2)"

    /// The migrations to apply after `current`, with their versions.
    ///
    /// - Throws: ``RegistryError/corrupt(_:)`` when the database is newer than this program.
    static func pending(after current: Int64, in migrations: [[String]] = all) throws(RegistryError) -> [(version: Int64, statements: [String])] {
        guard current <= Int64(migrations.count) else {
            throw .corrupt("the registry schema is at version \(current), newer than this program's \(migrations.count)")
        }
        return migrations.enumerated().dropFirst(Int(max(0, current))).map { (Int64($0.offset + 1), $0.element) }
    }
}
