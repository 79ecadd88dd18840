// swift-tools-version: 6.1
import PackageDescription

/// The libFuzzer targets, each in `Sources/Fuzz/<name>`, built with `--sanitize=fuzzer`. This is
/// the one list: scripts/fuzz and scripts/make-fuzz-corpus read it from `swift package dump-package`.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzDecoders", ["Macaroons"]),
    ("FuzzTokens", ["Macaroons", "MacaroonTokens"]),
    ("FuzzCaveats", ["Macaroons", "MacaroonTokens"]),
    ("FuzzRoundTrip", ["Macaroons"]),
    ("FuzzDifferential", ["Macaroons"]),
]

/// Imports are internal unless marked `public`, and members are visible only from modules a
/// file imports, so nothing reaches a public API by accident.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-macaroons",
    products: [
        .library(name: "Macaroons", targets: ["Macaroons"]),
        .library(name: "MacaroonTokens", targets: ["MacaroonTokens"]),
        .executable(name: "macaroon", targets: ["MacaroonTool"]),
        // The token store in one SQLite file; needs the `SQLite` trait.
        .library(name: "MacaroonSQLite", targets: ["MacaroonSQLite"]),
        // OIDC trusted publishing: ID token for upload token (trait `TrustedPublishing`).
        .library(name: "MacaroonTrustedPublishing", targets: ["MacaroonTrustedPublishing"]),
        // Leaked-token reports from GitHub secret scanning (trait `LeakReports`).
        .library(name: "MacaroonLeakReports", targets: ["MacaroonLeakReports"]),
        // The token store on PostgreSQL; needs the `PostgreSQL` trait.
        .library(name: "MacaroonPostgres", targets: ["MacaroonPostgres"]),
        // Framework adapters: enable the trait of the same name, e.g.
        // `.package(url: ..., from: ..., traits: ["Hummingbird"])`.
        .library(name: "MacaroonHummingbird", targets: ["MacaroonHummingbird"]),
        .library(name: "MacaroonVapor", targets: ["MacaroonVapor"]),
    ],
    // Server-side products, each behind a trait. No trait is on by default: a package
    // that uses only Macaroons and MacaroonTokens fetches and builds none of their
    // dependencies (every reference to them below is trait-guarded).
    traits: [
        .trait(name: "SQLite", description: "MacaroonSQLite: the token store in one SQLite file (GRDB, swift-log)."),
        .trait(name: "PostgreSQL", description: "MacaroonPostgres: the token store on PostgreSQL (postgres-nio, swift-service-lifecycle)."),
        .trait(name: "Hummingbird", description: "MacaroonHummingbird: a hummingbird-auth authenticator middleware over a TokenStore."),
        .trait(name: "Vapor", description: "MacaroonVapor: a Vapor 4 AsyncRequestAuthenticator over a TokenStore."),
        .trait(name: "TrustedPublishing", description: "The MacaroonTrustedPublishing product (jwt-kit, async-http-client)."),
        .trait(name: "LeakReports", description: "The MacaroonLeakReports product (swift-crypto, async-http-client)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Server-side packages: every reference below is trait-guarded.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.1.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Server integration (traits Hummingbird, Vapor): every reference below is trait-guarded.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
    ],
    targets: [
        // OpenSSL's libcrypto: SHA-256, RAND_bytes, CRYPTO_memcmp. Used only by
        // Sources/Macaroons/Crypto/HMACSHA256.swift and OpenSSLBackend.swift.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libsodium: NaCl secretbox (XSalsa20-Poly1305) for third-party caveats only.
        // Used only by Sources/Macaroons/Crypto/SodiumBackend.swift.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // The package's own helpers (base64, hex, UTF-8, byte comparison, JSON, byte rendering,
        // calendar time, whitespace), shared by every module and by none of their public APIs.
        // Not a product, like swift-certificates' _CertificateInternals.
        .target(
            name: "_MacaroonInternals",
            swiftSettings: strictSettings
        ),
        .target(
            name: "Macaroons",
            dependencies: ["COpenSSL", "CSodium", "_MacaroonInternals"],
            swiftSettings: strictSettings
        ),
        // Service-prefixed upload tokens, PyPI's caveat language and the upload verifier.
        .target(
            name: "MacaroonTokens",
            dependencies: ["Macaroons", "_MacaroonInternals"],
            swiftSettings: strictSettings
        ),
        // TokenStore on SQLite (trait SQLite); its sources are empty without the trait.
        .target(
            name: "MacaroonSQLite",
            dependencies: [
                "MacaroonTokens",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
                // SQLite's C interface (the system library GRDB links), for the lookup's column reads.
                .product(name: "GRDBSQLite", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["SQLite"])),
            ]
        ),
        // Bounded HTTP GETs of key documents (JWKS, GitHub's public keys) with async-http-client,
        // shared by the two products below; empty unless one of their traits is enabled.
        .target(
            name: "MacaroonHTTPFetch",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["TrustedPublishing", "LeakReports"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["TrustedPublishing", "LeakReports"])),
            ]
        ),
        // Trusted publishing (OIDC): JWT verification against issuers' JWKS, GitHub Actions
        // publishers, the token exchange; empty unless the trait `TrustedPublishing` is enabled.
        .target(
            name: "MacaroonTrustedPublishing",
            dependencies: [
                "MacaroonTokens", "Macaroons", "MacaroonHTTPFetch",
                .product(name: "JWTKit", package: "jwt-kit", condition: .when(traits: ["TrustedPublishing"])),
            ]
        ),
        // GitHub secret-scanning reports of leaked tokens: signature check, revocation;
        // empty unless the trait `LeakReports` is enabled.
        .target(
            name: "MacaroonLeakReports",
            dependencies: [
                "MacaroonTokens", "Macaroons", "MacaroonHTTPFetch",
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["LeakReports"])),
            ]
        ),
        // TokenStore on PostgreSQL (trait PostgreSQL); its sources are empty without the trait.
        .target(
            name: "MacaroonPostgres",
            dependencies: [
                "MacaroonTokens",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["PostgreSQL"])),
            ]
        ),
        // The `macaroon` command-line tool.
        .executableTarget(
            name: "MacaroonTool",
            dependencies: [
                "Macaroons", "MacaroonTokens", "_MacaroonInternals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Writes Specs/vectors/*.jsonl from the library: `swift run spec-vectors`.
        .executableTarget(
            name: "spec-vectors",
            dependencies: ["Macaroons", "MacaroonTokens", "_MacaroonInternals"],
            path: "Sources/SpecVectors",
            swiftSettings: strictSettings
        ),
        // What both framework adapters share: Authorization header to verdict to HTTP answer,
        // logs, metrics and spans. Framework-neutral; compiled only with a server trait.
        .target(
            name: "MacaroonServerSupport",
            dependencies: [
                "Macaroons", "MacaroonTokens",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "Metrics", package: "swift-metrics", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "Tracing", package: "swift-distributed-tracing", condition: .when(traits: ["Hummingbird", "Vapor"])),
            ],
            path: "Sources/Server/MacaroonServerSupport"
        ),
        .target(
            name: "MacaroonHummingbird",
            dependencies: [
                "MacaroonServerSupport", "MacaroonTokens",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth", condition: .when(traits: ["Hummingbird"])),
                // Already in Hummingbird's graph: no extra build.
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras", condition: .when(traits: ["Hummingbird"])),
            ],
            path: "Sources/Server/MacaroonHummingbird"
        ),
        .target(
            name: "MacaroonVapor",
            dependencies: [
                "MacaroonServerSupport", "MacaroonTokens",
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ],
            path: "Sources/Server/MacaroonVapor"
        ),
        // Helpers shared by the test targets.
        .target(
            name: "MacaroonTestSupport",
            dependencies: ["Macaroons", "_MacaroonInternals"],
            path: "Tests/Support"
        ),
        // The conformance suite every TokenStore backend runs (see Tests/TokenStoreConformance).
        .target(
            name: "TokenStoreConformance",
            dependencies: ["MacaroonTokens", "Macaroons"],
            path: "Tests/TokenStoreConformance"
        ),
        // Mints into an SQLite store until killed: the SQLite tests SIGKILL it mid-write.
        .executableTarget(
            name: "sqlite-mint-loop",
            dependencies: ["MacaroonSQLite", "MacaroonTokens"],
            path: "Tests/SQLiteMintLoop"
        ),
        .testTarget(
            name: "MacaroonSQLiteTests",
            dependencies: [
                "MacaroonSQLite", "MacaroonTokens", "Macaroons", "TokenStoreConformance", "sqlite-mint-loop",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["SQLite"])),
            ]
        ),
        .testTarget(
            name: "MacaroonInternalsTests",
            dependencies: ["_MacaroonInternals", "MacaroonTestSupport"]
        ),
        .testTarget(
            name: "MacaroonToolTests",
            dependencies: ["MacaroonTool", "Macaroons", "MacaroonTokens", "_MacaroonInternals", "MacaroonTestSupport"]
        ),
        .testTarget(
            name: "MacaroonTokensTests",
            dependencies: ["MacaroonTokens", "Macaroons", "_MacaroonInternals", "MacaroonTestSupport", "TokenStoreConformance"]
        ),
        .testTarget(
            name: "MacaroonTrustedPublishingTests",
            dependencies: [
                "MacaroonTrustedPublishing", "MacaroonTokens", "Macaroons", "MacaroonHTTPFetch",
                .product(name: "JWTKit", package: "jwt-kit", condition: .when(traits: ["TrustedPublishing"])),
                .product(name: "CryptoExtras", package: "swift-crypto", condition: .when(traits: ["TrustedPublishing"])),
            ]
        ),
        .testTarget(
            name: "MacaroonLeakReportsTests",
            dependencies: [
                "MacaroonLeakReports", "MacaroonTokens", "Macaroons", "MacaroonHTTPFetch",
                .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["LeakReports"])),
            ]
        ),
        .testTarget(
            name: "MacaroonPostgresTests",
            dependencies: [
                "MacaroonPostgres", "MacaroonTokens", "Macaroons", "TokenStoreConformance",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ]
        ),
        // Stores, tokens and a log capture shared by the adapter tests.
        .target(
            name: "MacaroonServerTestSupport",
            dependencies: [
                "MacaroonServerSupport", "MacaroonTokens", "Macaroons", "MacaroonSQLite",
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "Metrics", package: "swift-metrics", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "MetricsTestKit", package: "swift-metrics", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "Tracing", package: "swift-distributed-tracing", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing", condition: .when(traits: ["Hummingbird", "Vapor"])),
                .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["Hummingbird", "Vapor"])),
            ],
            path: "Tests/ServerSupport"
        ),
        .testTarget(
            name: "MacaroonHummingbirdTests",
            dependencies: [
                "MacaroonHummingbird", "MacaroonServerSupport", "MacaroonServerTestSupport", "MacaroonTokens", "Macaroons",
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "MetricsTestKit", package: "swift-metrics", condition: .when(traits: ["Hummingbird"])),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing", condition: .when(traits: ["Hummingbird"])),
            ]
        ),
        .testTarget(
            name: "MacaroonVaporTests",
            dependencies: [
                "MacaroonVapor", "MacaroonServerSupport", "MacaroonServerTestSupport", "MacaroonTokens",
                .product(name: "VaporTesting", package: "vapor", condition: .when(traits: ["Vapor"])),
                .product(name: "MetricsTestKit", package: "swift-metrics", condition: .when(traits: ["Vapor"])),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing", condition: .when(traits: ["Vapor"])),
            ]
        ),
        .testTarget(
            name: "MacaroonsTests",
            dependencies: ["Macaroons", "_MacaroonInternals", "MacaroonTestSupport"]
        ),
    ] + fuzzTargets.map { target in
        .executableTarget(name: target.name, dependencies: target.dependencies, path: "Sources/Fuzz/" + target.name, swiftSettings: strictSettings)
    }
)
