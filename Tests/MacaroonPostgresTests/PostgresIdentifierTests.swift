#if PostgreSQL
@testable import MacaroonPostgres
import Testing

/// Which identifiers the PostgreSQL store sends to the database at all.
@Suite struct PostgresIdentifierTests {
    @Test func canonicalUUIDs() {
        #expect(PostgresTokenStore.isCanonicalUUID("0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d10"))
        for id in [
            "", "0B7A4BD4-0A2C-4BD8-9B5E-1E5F3C2A9D10", "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d1",
            "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d100", "0b7a4bd40a2c-4bd8-9b5e-1e5f3c2a9d10-", "0b7a4bd4-0a2c-4bd8-9b5e-1e5f3c2a9d1g",
            "'; DROP TABLE macaroon_tokens; --",
        ] {
            #expect(!PostgresTokenStore.isCanonicalUUID(id), "\(id)")
        }
    }
}
#endif
