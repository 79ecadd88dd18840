#if PostgreSQL
@testable import MacaroonPostgres
import MacaroonTokens
import PostgresNIO
import Testing

/// What only the PostgreSQL store has: its migrations, its table, its errors.
/// (The behaviour every store shares is checked by the conformance suite.)
@Suite(.enabled(if: PostgresTestServer.canRun, PostgresTestServer.notRunReason))
struct PostgresTokenStoreTests {
    @Test func migrationsApplyOnceAndRefuseANewerSchema() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            #expect(try await store.migrate() == [], "a second migration applies nothing")
            var versions: [Int] = []
            for try await (version, _) in try await database.client.query("SELECT version, name FROM token_store_migrations ORDER BY version")
                .decode((Int, String).self) {
                versions.append(version)
            }
            #expect(versions == PostgresMigrations.all.map(\.version))
            #expect(versions == Array(1...PostgresMigrations.latestVersion))

            try await database.client.query("INSERT INTO token_store_migrations (version, name, applied_at) VALUES (\(PostgresMigrations.latestVersion + 1), 'from the future', 0)")
            let error = await #expect(throws: TokenStoreError.self) { try await store.migrate() }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func concurrentMigrationsFromManyInstancesApplyOnce() async throws {
        try await withTestDatabase { database in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await PostgresTokenStore(client: database.client, logger: PostgresTestDatabase.logger).migrate()
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == PostgresMigrations.all.map(\.version))
        }
    }

    @Test func identifiersThatAreNotStoredUUIDsAreUnknown() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            for id in ["", "not-a-uuid", "0B7A4BD4-0A2C-4BD8-9B5E-1E5F3C2A9D10", "'; DROP TABLE macaroon_tokens; --"] {
                #expect(try await store.token(id: id) == nil)
                let error = await #expect(throws: TokenStoreError.self) { try await store.delete(id: id, ownedBy: TestTokens.alice) }
                #expect(error?.code == .notFound)
            }
            try await store.recordUse(["not-a-uuid": 5])
        }
    }

    @Test func theTableEnforcesOneOwnerAndUniqueNames() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            let minted = try await store.mint(TestTokens.new("ci"))
            let error = await #expect(throws: TokenStoreError.self) { try await store.mint(TestTokens.new("ci")) }
            #expect(error?.code == .duplicateName && error?.isOperational == false)
            _ = try await store.mint(TestTokens.new("ci", owner: .trustedPublisher(id: "alice")))

            // A row with two owners is refused by the table itself.
            await #expect(throws: (any Error).self) {
                try await database.client.query("UPDATE macaroon_tokens SET publisher_id = 'p' WHERE id = \(minted.info.id)::uuid")
            }
        }
    }

    @Test func aBrokenSchemaIsAnOperationalError() async throws {
        try await withTestDatabase { database in
            let store = try await database.openStore()
            let minted = try await store.mint(TestTokens.new("ci"))
            try await database.client.query("ALTER TABLE macaroon_tokens RENAME TO something_else")
            let error = await #expect(throws: TokenStoreError.self) { try await TestTokens.verify(minted.token, store) }
            #expect(error?.code == .unavailable && error?.isOperational == true)
            #expect(error?.detail.contains("42P01") == true)
        }
    }
}
#endif
