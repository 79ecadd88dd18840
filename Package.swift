// swift-tools-version: 6.1
import PackageDescription

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
    ],
    // Server-side products, each behind a trait. No trait is on by default: a package
    // that uses only Macaroons and MacaroonTokens fetches and builds none of their
    // dependencies (every reference to them below is trait-guarded).
    traits: [
        .trait(name: "SQLite", description: "MacaroonSQLite: the token store in one SQLite file (GRDB, swift-log)."),
        .trait(name: "PostgreSQL", description: "MacaroonPostgres: the token store on PostgreSQL (postgres-nio, swift-service-lifecycle)."),
        .trait(name: "TrustedPublishing", description: "The MacaroonTrustedPublishing product (jwt-kit, async-http-client)."),
        .trait(name: "LeakReports", description: "The MacaroonLeakReports product (swift-crypto, async-http-client)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.1.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // OpenSSL's libcrypto: SHA-256, RAND_bytes, CRYPTO_memcmp. Used only by
        // Sources/Macaroons/Crypto/OpenSSLBackend.swift.
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
        .target(
            name: "Macaroons",
            dependencies: ["COpenSSL", "CSodium"]
        ),
        // Service-prefixed upload tokens, PyPI's caveat language and the upload verifier.
        .target(
            name: "MacaroonTokens",
            dependencies: ["Macaroons"]
        ),
        // TokenStore on SQLite (trait SQLite); its sources are empty without the trait.
        .target(
            name: "MacaroonSQLite",
            dependencies: [
                "MacaroonTokens",
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["SQLite"])),
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
                "Macaroons", "MacaroonTokens",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["PostgreSQL"])),
            ]
        ),
        // The `macaroon` command-line tool.
        .executableTarget(
            name: "MacaroonTool",
            dependencies: [
                "Macaroons", "MacaroonTokens",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes Specs/vectors/*.jsonl from the library: `swift run spec-vectors`.
        .executableTarget(
            name: "spec-vectors",
            dependencies: ["Macaroons", "MacaroonTokens"],
            path: "Sources/SpecVectors"
        ),
        // libFuzzer targets (see scripts/fuzz); each is built with --sanitize=fuzzer.
        .executableTarget(name: "FuzzDecoders", dependencies: ["Macaroons"], path: "Sources/Fuzz/FuzzDecoders"),
        .executableTarget(name: "FuzzTokens", dependencies: ["MacaroonTokens"], path: "Sources/Fuzz/FuzzTokens"),
        .executableTarget(name: "FuzzCaveats", dependencies: ["Macaroons", "MacaroonTokens"], path: "Sources/Fuzz/FuzzCaveats"),
        .executableTarget(name: "FuzzRoundTrip", dependencies: ["Macaroons"], path: "Sources/Fuzz/FuzzRoundTrip"),
        .executableTarget(name: "FuzzDifferential", dependencies: ["Macaroons"], path: "Sources/Fuzz/FuzzDifferential"),
        // Helpers shared by the test targets.
        .target(
            name: "MacaroonTestSupport",
            dependencies: ["Macaroons"],
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
            name: "MacaroonToolTests",
            dependencies: ["MacaroonTool", "Macaroons", "MacaroonTokens"]
        ),
        .testTarget(
            name: "MacaroonTokensTests",
            dependencies: ["MacaroonTokens", "Macaroons", "MacaroonTestSupport", "TokenStoreConformance"]
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
        .testTarget(
            name: "MacaroonsTests",
            dependencies: ["Macaroons", "MacaroonTestSupport"]
        ),
    ]
)
