// swift-tools-version: 6.1
import PackageDescription

// The benchmark harness, a package of its own so that the library does not
// depend on package-benchmark. Run from this folder:
//   swift package benchmark
let package = Package(
    name: "swift-macaroons-benchmarks",
    dependencies: [
        // The SQLite and PostgreSQL traits for the store benchmarks (StoreBenchmarks).
        .package(name: "swift-macaroons", path: "../", traits: ["SQLite", "PostgreSQL"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The tokens, keys and requests every scenario and the peer comparison use.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "Macaroons", package: "swift-macaroons"),
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
            ],
            path: "Benchmarks/BenchmarkFixtures"
        ),
        // The measuring settings and regression thresholds every benchmark target shares.
        .target(
            name: "BenchmarkSettings",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/BenchmarkSettings"
        ),
        .executableTarget(
            name: "MacaroonBenchmarks",
            dependencies: [
                "BenchmarkFixtures",
                "BenchmarkSettings",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Macaroons", package: "swift-macaroons"),
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
            ],
            path: "Benchmarks/MacaroonBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Upload verification with the identity from a TokenStore, per backend.
        .executableTarget(
            name: "StoreBenchmarks",
            dependencies: [
                "BenchmarkSettings",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
                .product(name: "MacaroonSQLite", package: "swift-macaroons"),
                .product(name: "MacaroonPostgres", package: "swift-macaroons"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A loop of SQLite lookups, for callgrind, perf stat and strace (see Benchmarks/README.md).
        .executableTarget(
            name: "store-lookup-loop",
            dependencies: [
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
                .product(name: "MacaroonSQLite", package: "swift-macaroons"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StoreLookupLoop"
        ),
        // Our side of peers/run: writes the shared tokens and measures decode+verify on them.
        .executableTarget(
            name: "PeerComparison",
            dependencies: [
                "BenchmarkFixtures",
                .product(name: "Macaroons", package: "swift-macaroons"),
            ],
            path: "Benchmarks/PeerComparison"
        ),
    ]
)
