import Benchmark
import BenchmarkSettings
import Foundation
import Logging
import MacaroonSQLite
import MacaroonTokens

// Upload verification from the token string to the verdict with the identity
// taken from a TokenStore, and the bare lookup `token(id:)`, per backend, side by
// side. Each store holds 10,000 tokens and the measured one, sealed under a
// key-encryption key, as a registry's would. The cached SQLite store is a second
// store on the same file with the lookup cache on. PostgreSQL (uncached and with
// the lookup cache) when MACAROONS_POSTGRES_URL is set: see PostgresStores.

/// The stores and tokens, built once by the setup hook before any measurement.
final class StoreFixture: @unchecked Sendable {
    static let shared = StoreFixture()
    static let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    static let request = UploadRequest(project: .init(name: "sampleproject", id: "project-1"), now: 1_800_000_000)
    static let keyRing = KeyRing(try! KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32)))

    /// The backends measured, by scenario-name suffix.
    static var backendNames: [String] {
        ["in-memory", "SQLite", "SQLite-cached"] + (PostgresStores.url == nil ? [] : ["PostgreSQL-uncached", "PostgreSQL-cached"])
    }

    /// Each backend's store and the token measured on it.
    private(set) var backends: [String: (store: any TokenStore, token: String)] = [:]

    func setUp() async throws {
        guard backends.isEmpty else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-benchmark-\(getpid()).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let memory = InMemoryTokenStore(keyRing: Self.keyRing)
        let sqlite = try SQLiteTokenStore(path: path, keyRing: Self.keyRing, logger: Logger(label: "benchmark"))
        let sqliteCached = try SQLiteTokenStore(
            path: path, configuration: .init(keyRing: Self.keyRing, cache: .init()), logger: Logger(label: "benchmark"))
        let memoryToken = try await Self.fill(memory, owners: "user")
        let sqliteToken = try await Self.fill(sqlite, owners: "user")
        backends = ["in-memory": (memory, memoryToken), "SQLite": (sqlite, sqliteToken), "SQLite-cached": (sqliteCached, sqliteToken)]
        if let postgres = try await PostgresStores.setUp(keyRing: Self.keyRing) {
            backends["PostgreSQL-uncached"] = (postgres.uncached, postgres.token)
            backends["PostgreSQL-cached"] = (postgres.cached, postgres.token)
        }
    }

    /// Mints 10,000 tokens for 256 owners named `owners-N`, and the measured one, whose token it returns.
    static func fill(_ store: some TokenStore, owners: String) async throws -> String {
        for index in 0..<10_000 {
            _ = try await store.mint(newToken(owner: "\(owners)-\(index & 0xff)", name: "token \(index)"), now: 1_700_000_000)
        }
        return try await store.mint(newToken(owner: "\(owners)-measured", name: "measured"), now: 1_700_000_000).token
    }

    static func newToken(owner: String, name: String) throws -> NewToken {
        NewToken(owner: .user(id: owner), name: name, caveats: [try ProjectNamesCaveat(["sampleproject"])], location: "pypi.org")
    }
}

/// Every owner active.
struct ActiveOwners: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active() }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .swiftMacaroons(scalingFactor: .one, maxIterations: 200_000)
    let fixture = StoreFixture.shared
    Benchmark.setup = { try await fixture.setUp() }
    if PostgresStores.url == nil {
        print("StoreBenchmarks: PostgreSQL scenarios not run: set MACAROONS_POSTGRES_URL (run under scripts/with-postgres)")
    }

    for name in StoreFixture.backendNames {
        // An uncached PostgreSQL lookup allocates as the server's answer arrives (one read or
        // several): 109 to 119 mallocs on unchanged code in one half hour. Its allocation guard
        // allows that spread; every other scenario's allocations may not grow at all.
        var configuration = Benchmark.defaultConfiguration
        if name == "PostgreSQL-uncached" { configuration.thresholds?[.mallocCountTotal] = .init(absolute: [.p90: 12]) }
        Benchmark("Store-verify-\(name)", configuration: configuration) { benchmark async throws in
            let (store, token) = fixture.backends[name]!
            for _ in benchmark.scaledIterations {
                let result = try await StoreFixture.verifier.verify(token: token, request: StoreFixture.request, store: store, owners: ActiveOwners())
                precondition(result.isAllowed)
                blackHole(result)
            }
        }
        Benchmark("Store-lookup-\(name)", configuration: configuration) { benchmark async throws in
            let (store, token) = fixture.backends[name]!
            let id = try StoreFixture.verifier.parse(token).identifier!
            for _ in benchmark.scaledIterations { blackHole(try await store.token(id: id)) }
        }
    }
}
