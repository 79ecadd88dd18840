#if SQLite
import Foundation
import GRDB
import Logging
import MacaroonSQLite
import MacaroonTokens
import Testing
import TokenStoreConformance

/// A fresh SQLite file in a temporary folder; every store opened on it is another server on the same file.
struct SQLiteFixture: TokenStoreFixture {
    let path: String
    /// The lookup cache of the stores it opens.
    let cache: SQLiteTokenStore.CacheConfiguration?
    var cachesLookups: Bool { cache != nil }

    init(cache: SQLiteTokenStore.CacheConfiguration? = nil) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("tokens.sqlite").path
        self.cache = cache
    }

    func open(keyRing: KeyRing) throws -> any TokenStore {
        try SQLiteTokenStore(path: path, configuration: .init(keyRing: keyRing, cache: cache), logger: quietLogger)
    }

    /// The database file and its write-ahead log, as a copy of the disk would show them.
    func rawStorage() throws -> [UInt8] {
        var bytes: [UInt8] = []
        for file in [path, path + "-wal"] where FileManager.default.fileExists(atPath: file) {
            bytes += try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        }
        return bytes
    }
}

@Suite struct SQLiteTokenStoreTests {
    @Test(arguments: ConformanceCheck.all)
    func conformance(_ check: ConformanceCheck) async throws {
        try await check.run(on: SQLiteFixture())
    }

    /// With the lookup cache: among others, no token verifies once its delete has returned.
    @Test(arguments: ConformanceCheck.all)
    func conformanceWithTheLookupCache(_ check: ConformanceCheck) async throws {
        try await check.run(on: SQLiteFixture(cache: .init(timeToLive: .seconds(60))))
    }

    @Test func aFileThatIsNotADatabaseGivesAClearErrorAtOpen() throws {
        let fixture = SQLiteFixture()
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: fixture.path))
        let error = #expect(throws: TokenStoreError.self) { try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) }
        #expect(error?.code == .corrupt)
        #expect(error?.detail.contains(fixture.path) == true)
        #expect(error?.detail.contains("not a database") == true)
    }

    @Test func aDamagedDatabaseGivesAClearErrorAtOpen() async throws {
        let fixture = SQLiteFixture()
        do {
            let store = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
            for index in 0..<300 {
                _ = try await store.mint(NewToken(owner: .user(id: "alice"), name: "token \(index)", location: "pypi.org"))
            }
            _ = try await store.rewrap()
        }
        try checkpoint(fixture.path)
        // Overwrite the middle of the file (b-tree pages of the tokens table) with garbage.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: fixture.path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 8192))
        try handle.close()
        let error = #expect(throws: TokenStoreError.self) { try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) }
        #expect(error?.code == .corrupt)
        #expect(error?.detail.contains(fixture.path) == true)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let fixture = SQLiteFixture()
        _ = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        try sqlite(fixture.path, "INSERT INTO token_store_migrations VALUES (99, 'from the future', 0)")
        let error = #expect(throws: TokenStoreError.self) { try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) }
        #expect(error?.code == .corrupt)
        #expect(error?.detail.contains("newer than this library") == true)
    }

    @Test func migrationsAreRecorded() throws {
        let fixture = SQLiteFixture()
        _ = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        _ = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger)
        #expect(try sqlite(fixture.path, "SELECT version, name FROM token_store_migrations")
            == "1|create tokens\n2|create used identifiers\n")
        #expect(try sqlite(fixture.path, "PRAGMA journal_mode") == "wal\n")
    }

    @Test func twoStoresOnOneFileWriteTogetherAndSeeEachOthersDeletes() async throws {
        let fixture = SQLiteFixture()
        let kek = try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32))
        let stores = try (0..<2).map { _ in try SQLiteTokenStore(path: fixture.path, keyRing: KeyRing(kek), logger: quietLogger) }
        let minted = try await withThrowingTaskGroup(of: [MintedStoredToken].self) { group in
            for task in 0..<4 {
                group.addTask {
                    var minted: [MintedStoredToken] = []
                    for index in 0..<50 {
                        minted.append(try await stores[(task + index) % 2].mint(
                            NewToken(owner: .user(id: "alice"), name: "task \(task) token \(index)", location: "pypi.org")))
                    }
                    return minted
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(try stores[0].tokens(ownedBy: .user(id: "alice")).count == 200)
        let verifier = UploadTokenVerifier(location: "pypi.org")
        for token in minted.prefix(20) {
            try await stores[1].delete(id: token.info.id, ownedBy: .user(id: "alice"))
            let verdict = try await verifier.verify(token: token.token, request: UploadRequest(), store: stores[0], owners: ActiveOwners())
            #expect(verdict.verdict.reasons.map(\.code) == [.unknownIdentifier])
        }
    }

    @Test func storesOpeningANewFileAtOnceMigrateItOnce() async throws {
        let fixture = SQLiteFixture()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask { _ = try SQLiteTokenStore(path: fixture.path, keyRing: .unsealed, logger: quietLogger) }
            }
            try await group.waitForAll()
        }
        // Every migration (1: tokens, 2: used identifiers) recorded exactly once.
        #expect(try sqlite(fixture.path, "SELECT version FROM token_store_migrations ORDER BY version") == "1\n2\n")
    }

    @Test func aProcessKilledWhileMintingLeavesNoHalfWrittenToken() async throws {
        let fixture = SQLiteFixture()
        let process = Process()
        process.executableURL = executable("sqlite-mint-loop")
        process.arguments = [fixture.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read with read(2), retrying on EINTR (FileHandle.availableData traps on it).
        var printed = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        let descriptor = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(60)
        while printed.split(separator: "\n").count < 50 && Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            printed += String(decoding: buffer[..<count], as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // What it printed before it died, to the end of the pipe.
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            printed += String(decoding: buffer[..<count], as: UTF8.self)
        }
        #expect(process.terminationReason == .uncaughtSignal)
        let confirmed = printed.split(separator: "\n").dropLast().map(String.init)  // the last line may be cut
        #expect(confirmed.count >= 40)

        let kek = try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32))
        let store = try SQLiteTokenStore(path: fixture.path, keyRing: KeyRing(kek))  // passes the quick check
        let listed = try store.tokens(ownedBy: .user(id: "alice"))
        #expect(Set(confirmed).isSubset(of: Set(listed.map(\.id))), "a mint that returned was lost")
        #expect(listed.count <= confirmed.count + 2)  // at most the mint in flight, and a line cut short
        for info in listed {
            let record = try #require(try store.token(id: info.id))  // opens the key, parses the caveats
            #expect(record.caveats.count == 1 && record.keyID == "kek-1")
        }
    }
}

/// Every owner active.
struct ActiveOwners: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active() }
}

/// The tests open many unsealed stores on purpose: keep their warning out of the output.
let quietLogger: Logger = {
    var logger = Logger(label: "token-store-tests")
    logger.logLevel = .error
    return logger
}()

/// Runs SQL on a database outside the store, with GRDB; the first column of each row, as text lines.
@discardableResult
func sqlite(_ path: String, _ sql: String) throws -> String {
    try DatabaseQueue(path: path).write { db in
        try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { "\($0.storage.value ?? "NULL")" }.joined(separator: "|") + "\n" }.joined()
    }
}

func checkpoint(_ path: String) throws {
    _ = try DatabaseQueue(path: path).writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
}

/// A built executable of this package, beside the test bundle.
func executable(_ name: String) -> URL {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return testBinary.deletingLastPathComponent().appendingPathComponent(name)
}
#endif
