#if SQLite
import Dispatch
import Foundation
import MacaroonSQLite
import MacaroonTokens
import Testing

/// The store's read connections (`SQLiteReaderPool`): lent to one caller at a time on the
/// caller's thread, at most `maximumReaders` kept, transient ones beyond that, fresh
/// snapshots on every read, and released by `close()`.
@Suite struct SQLiteReaderPoolTests {
    /// A store on a fresh file with `count` tokens of alice's, unsealed.
    static func store(maximumReaders: Int, tokens count: Int) async throws -> (SQLiteFixture, SQLiteTokenStore, [MintedStoredToken]) {
        let fixture = SQLiteFixture()
        let store = try SQLiteTokenStore(
            path: fixture.path, configuration: .init(keyRing: .unsealed, maximumReaders: maximumReaders), logger: quietLogger)
        var minted: [MintedStoredToken] = []
        for index in 0..<count {
            minted.append(try await store.mint(NewToken(owner: .user(id: "alice"), name: "token \(index)", location: "pypi.org")))
        }
        return (fixture, store, minted)
    }

    /// Runs `body(index)` on `count` threads of their own at once (not the cooperative pool,
    /// whose width is the core count, so that more reads overlap than the bound allows).
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in group.notify(queue: .global()) { continuation.resume() } }
    }

    @Test func lookupsFromManyThreadsBeyondTheBoundAllAnswer() async throws {
        let (_, store, minted) = try await Self.store(maximumReaders: 2, tokens: 16)
        let failures = Locked(0)
        await Self.onThreads(16) { thread in
            for round in 0..<200 {
                let token = minted[(thread + round) % minted.count]
                let record = try? store.token(id: token.info.id)
                let listed = round % 50 == 0 ? (try? store.tokens(ownedBy: .user(id: "alice")))?.count : minted.count
                if record?.id != token.info.id || record?.owner != .user(id: "alice") || listed != minted.count {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func readersBeyondTheBoundAreTransientAndTheKeptOnesAreReused() async throws {
        let (fixture, _, minted) = try await Self.store(maximumReaders: 2, tokens: 1)
        let pool = SQLiteReaderPool(path: fixture.path, busyTimeout: .seconds(5), maximumCount: 2)
        let id = minted[0].info.id
        // Eight borrowers hold a reader each at the same time, and read on it.
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let answers = Locked(0)
        let borrowers = Task {
            await Self.onThreads(8) { _ in
                let found = try? pool.withReader { reader in
                    holding.signal()
                    release.wait()
                    return try reader.token(id: id)
                }
                if found?.id == id { answers.withLock { $0 += 1 } }
            }
        }
        for _ in 0..<8 { holding.wait() }
        #expect(pool.keptCount == 2)
        for _ in 0..<8 { release.signal() }
        await borrowers.value
        #expect(answers.withLock { $0 } == 8)
        #expect(pool.keptCount == 2)
        // One at a time now: the kept readers serve, none is opened.
        for _ in 0..<10 { #expect(try pool.withReader { try $0.token(id: id)?.id } == id) }
        #expect(pool.keptCount == 2)
    }

    @Test func everyLookupSeesADeleteCommittedByAnotherConnection() async throws {
        let (fixture, store, minted) = try await Self.store(maximumReaders: 4, tokens: 20)
        for token in minted {
            #expect(try store.token(id: token.info.id) != nil)  // the reader's page cache holds the row
            try sqlite(fixture.path, "DELETE FROM tokens WHERE id = '\(token.info.id)'")
            #expect(try store.token(id: token.info.id) == nil, "a lookup after the commit returned a deleted token")
            #expect(try !store.tokens(ownedBy: .user(id: "alice")).contains { $0.id == token.info.id })
        }
    }

    @Test func closeReleasesEveryConnectionAndLaterOperationsAreUnavailable() async throws {
        let fixture = SQLiteFixture()
        let store = try SQLiteTokenStore(
            path: fixture.path, configuration: .init(keyRing: .unsealed, cache: .init(), maximumReaders: 3), logger: quietLogger)
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"))
        await Self.onThreads(3) { _ in for _ in 0..<50 { _ = try? store.token(id: minted.info.id) } }
        #expect(Self.openDescriptors(fixture.path) > 0)
        try store.close()
        #expect(Self.openDescriptors(fixture.path) == 0)
        // The writer closed last, alone on the file: it checkpointed and removed the log.
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "-wal"))
        for error in [
            #expect(throws: TokenStoreError.self) { try store.token(id: minted.info.id) },
            #expect(throws: TokenStoreError.self) { try store.tokens(ownedBy: .user(id: "alice")) },
        ] {
            #expect(error?.code == .unavailable)
        }
        let write = await #expect(throws: TokenStoreError.self) { try await store.mint(NewToken(owner: .user(id: "bob"), name: "ci", location: "pypi.org")) }
        #expect(write?.code == .unavailable)
    }

    @Test func releasingTheStoreClosesItsConnectionsTheWriterLast() async throws {
        let fixture = SQLiteFixture()
        do {
            let store = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
            let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"))
            #expect(try store.token(id: minted.info.id) != nil)
            #expect(try store.tokens(ownedBy: .user(id: "alice")).count == 1)
            #expect(Self.openDescriptors(fixture.path) > 0)
        }
        #expect(Self.openDescriptors(fixture.path) == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + "-wal"))
    }

    @Test func aReaderLentOutAtCloseFinishesItsReadAndIsThenClosed() async throws {
        let (fixture, _, minted) = try await Self.store(maximumReaders: 2, tokens: 1)
        let pool = SQLiteReaderPool(path: fixture.path, busyTimeout: .seconds(5), maximumCount: 2)
        let id = try pool.withReader { reader in
            pool.close()
            return try reader.token(id: minted[0].info.id)?.id
        }
        #expect(id == minted[0].info.id)
        #expect(pool.keptCount == 0)
        let error = #expect(throws: TokenStoreError.self) { try pool.withReader { _ in } }
        #expect(error?.code == .unavailable)
    }

    /// The file descriptors of this process open on `path` itself.
    static func openDescriptors(_ path: String) -> Int {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == target }.count
    }
}
#endif
