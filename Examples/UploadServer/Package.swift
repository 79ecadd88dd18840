// swift-tools-version: 6.1
import PackageDescription

// `upload-server`: a minimal PyPI-compatible registry on Hummingbird 2 that
// uses swift-macaroons' token stores. A package of its own so that the
// library does not depend on a web framework. From this folder:
//   swift run upload-server serve
let package = Package(
    name: "UploadServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The token stores, the Hummingbird authenticator, trusted publishing and leak reports.
        .package(
            name: "swift-macaroons", path: "../..",
            traits: ["SQLite", "PostgreSQL", "Hummingbird", "TrustedPublishing", "LeakReports"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The registry's own tables: the same SQLite library (GRDB) and PostgreSQL client as the token stores.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // MD5 and SHA-256 of uploaded files; already built for postgres-nio.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // libsodium (already linked by the library): BLAKE2b-256 of uploaded files.
        .systemLibrary(name: "CLibsodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // The registry: its database, its HTTP routes and its commands.
        .target(
            name: "UploadRegistry",
            dependencies: [
                .product(name: "Macaroons", package: "swift-macaroons"),
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
                .product(name: "MacaroonSQLite", package: "swift-macaroons"),
                .product(name: "MacaroonPostgres", package: "swift-macaroons"),
                .product(name: "MacaroonHummingbird", package: "swift-macaroons"),
                .product(name: "MacaroonTrustedPublishing", package: "swift-macaroons"),
                .product(name: "MacaroonLeakReports", package: "swift-macaroons"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                "CLibsodium",
            ]
        ),
        .executableTarget(
            name: "upload-server",
            dependencies: ["UploadRegistry"],
            path: "Sources/UploadServer"
        ),
        // End-to-end tests with the real twine, uv and pip (see scripts/python-clients).
        .testTarget(
            name: "UploadServerTests",
            dependencies: [
                "upload-server", "UploadRegistry",
                .product(name: "macaroon", package: "swift-macaroons"),
            ]
        ),
    ]
)
