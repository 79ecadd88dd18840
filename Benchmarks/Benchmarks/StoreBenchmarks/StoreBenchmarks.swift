import Benchmark
import Foundation
import Logging
import MacaroonSQLite
import MacaroonTokens

// Upload verification from the token string to the verdict with the identity
// taken from a TokenStore, per backend, side by side. Each store holds 10,000
// tokens, sealed under a key-encryption key, as a registry's would.
// PostgreSQL (uncached and with the lookup cache) when MACAROONS_POSTGRES_URL is set: see PostgresStores.

/// The stores and the token, built once by the setup hook before any measurement.
final class StoreFixture: @unchecked Sendable {
    static let shared = StoreFixture()
    static let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    static let request = UploadRequest(project: .init(name: "sampleproject", id: "project-1"), now: 1_800_000_000)

    private(set) var memory: InMemoryTokenStore?
    private(set) var sqlite: SQLiteTokenStore?
    private(set) var memoryToken = ""
    private(set) var sqliteToken = ""

    func setUp() async throws {
        guard memory == nil else { return }
        let keyRing = KeyRing(try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32)))
        try await PostgresStores.shared.setUp(keyRing: keyRing)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-benchmark-\(getpid()).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let memory = InMemoryTokenStore(keyRing: keyRing)
        let sqlite = try SQLiteTokenStore(path: path, keyRing: keyRing, logger: Logger(label: "benchmark"))
        for store in [memory as any TokenStore, sqlite] {
            for index in 0..<10_000 {
                _ = try await store.mint(Self.newToken("token \(index)"), now: 1_700_000_000)
            }
        }
        memoryToken = try await memory.mint(Self.newToken("measured"), now: 1_700_000_000).token
        sqliteToken = try await sqlite.mint(Self.newToken("measured"), now: 1_700_000_000).token
        self.memory = memory
        self.sqlite = sqlite
    }

    static func newToken(_ name: String) throws -> NewToken {
        NewToken(owner: .user(id: "user-\(name.hashValue & 0xff)"), name: name, caveats: [try ProjectNamesCaveat(["sampleproject"])],
                 location: "pypi.org")
    }
}

/// Every owner active.
struct ActiveOwners: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active() }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(2),
        maxIterations: 200_000
    )
    let fixture = StoreFixture.shared
    Benchmark.setup = { try await fixture.setUp() }

    Benchmark("Store-verify-in-memory") { benchmark async throws in
        let store = fixture.memory!
        for _ in benchmark.scaledIterations {
            let result = try await StoreFixture.verifier.verify(
                token: fixture.memoryToken, request: StoreFixture.request, store: store, owners: ActiveOwners())
            precondition(result.isAllowed)
            blackHole(result)
        }
    }
    Benchmark("Store-verify-SQLite") { benchmark async throws in
        let store = fixture.sqlite!
        for _ in benchmark.scaledIterations {
            let result = try await StoreFixture.verifier.verify(
                token: fixture.sqliteToken, request: StoreFixture.request, store: store, owners: ActiveOwners())
            precondition(result.isAllowed)
            blackHole(result)
        }
    }
    Benchmark("Store-lookup-in-memory") { benchmark async throws in
        let store = fixture.memory!
        let id = try StoreFixture.verifier.parse(fixture.memoryToken).identifier!
        for _ in benchmark.scaledIterations { blackHole(try await store.token(id: id)) }
    }
    Benchmark("Store-lookup-SQLite") { benchmark async throws in
        let store = fixture.sqlite!
        let id = try StoreFixture.verifier.parse(fixture.sqliteToken).identifier!
        for _ in benchmark.scaledIterations { blackHole(try await store.token(id: id)) }
    }

    guard PostgresStores.url != nil else {
        print("StoreBenchmarks: PostgreSQL scenarios not run: set MACAROONS_POSTGRES_URL (run under scripts/with-postgres)")
        return
    }
    let postgres = PostgresStores.shared
    for (name, cached) in [("uncached", false), ("cached", true)] {
        Benchmark("Store-verify-PostgreSQL-\(name)") { benchmark async throws in
            let store = (cached ? postgres.cached : postgres.uncached)!
            for _ in benchmark.scaledIterations {
                let result = try await StoreFixture.verifier.verify(
                    token: postgres.token, request: StoreFixture.request, store: store, owners: ActiveOwners())
                precondition(result.isAllowed)
                blackHole(result)
            }
        }
        Benchmark("Store-lookup-PostgreSQL-\(name)") { benchmark async throws in
            let store = (cached ? postgres.cached : postgres.uncached)!
            let id = try StoreFixture.verifier.parse(postgres.token).identifier!
            for _ in benchmark.scaledIterations { blackHole(try await store.token(id: id)) }
        }
    }
}
