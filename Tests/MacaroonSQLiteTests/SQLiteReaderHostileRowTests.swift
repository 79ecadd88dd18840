#if SQLite
import Dispatch
import Foundation
import GRDB
import MacaroonSQLite
import MacaroonTokens
import Testing

/// The store's own reads (`SQLiteReader`) against rows and locks it did not write itself:
/// text that is not UTF-8 is a corrupt row, never repaired into another owner's or
/// token's text, and the busy timeout is honoured to the millisecond.
@Suite struct SQLiteReaderHostileRowTests {
    static func store() async throws -> (SQLiteFixture, SQLiteTokenStore, MintedStoredToken) {
        let fixture = SQLiteFixture()
        let store = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"))
        return (fixture, store, minted)
    }

    /// `alice` followed by the byte 0xFF: read as text with repair, it would be `alice\u{FFFD}`, another user.
    @Test func anOwnerThatIsNotUTF8IsACorruptRowNotAnotherOwner() async throws {
        let (fixture, store, minted) = try await Self.store()
        try sqlite(fixture.path, "UPDATE tokens SET user_id = CAST(x'616c696365ff' AS TEXT) WHERE id = '\(minted.info.id)'")
        let error = #expect(throws: TokenStoreError.self) { try store.token(id: minted.info.id) }
        #expect(error?.code == .corrupt)
    }

    @Test func aListedColumnThatIsNotUTF8IsACorruptRow() async throws {
        let (fixture, store, minted) = try await Self.store()
        try sqlite(fixture.path, "UPDATE tokens SET description = CAST(x'6369ff' AS TEXT) WHERE id = '\(minted.info.id)'")
        let error = #expect(throws: TokenStoreError.self) { try store.tokens(ownedBy: .user(id: "alice")) }
        #expect(error?.code == .corrupt)
    }

    @Test func caveatsThatAreNotUTF8AreACorruptRow() async throws {
        let (fixture, store, minted) = try await Self.store()
        // [[3,"alice<FF>"]]
        try sqlite(fixture.path, "UPDATE tokens SET caveats = CAST(x'5b5b332c22616c696365ff225d5d' AS TEXT) WHERE id = '\(minted.info.id)'")
        let error = #expect(throws: TokenStoreError.self) { try store.token(id: minted.info.id) }
        #expect(error?.code == .corrupt)
    }

    /// Another connection holds an exclusive lock (a file in rollback-journal mode, where one
    /// blocks readers) for 300 ms; a reader with a 900 ms busy timeout waits for it.
    @Test func aSubSecondBusyTimeoutIsWaitedNotTruncatedToZero() async throws {
        let (fixture, store, minted) = try await Self.store()
        try store.close()
        try await DatabaseQueue(path: fixture.path).writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        let pool = SQLiteReaderPool(path: fixture.path, busyTimeout: .milliseconds(900), maximumCount: 1)
        let locked = DispatchSemaphore(value: 0)
        let holder = Thread {
            let queue = try! DatabaseQueue(path: fixture.path)
            try! queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                try db.execute(sql: "UPDATE tokens SET last_used = 1")
                locked.signal()
                Thread.sleep(forTimeInterval: 0.3)
                try db.execute(sql: "COMMIT")
            }
        }
        holder.start()
        Self.wait(locked)
        let found = try pool.withReader { try $0.token(id: minted.info.id) }
        #expect(found?.lastUsed == 1)
        pool.close()
    }

    static func wait(_ semaphore: DispatchSemaphore) { semaphore.wait() }
}
#endif
