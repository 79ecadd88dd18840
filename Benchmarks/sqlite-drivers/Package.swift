// swift-tools-version: 6.1
import PackageDescription

// The comparison behind the SQLite store's choice of GRDB over sqlite-nio
// (Specs/token-store.md): a token-shaped primary-key lookup through each driver.
// Standalone: not part of the Benchmarks package, the library or CI. Run from this folder:
//   swift run -c release sqlite-drivers
let package = Package(
    name: "sqlite-drivers",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", exact: "1.13.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "sqlite-drivers",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        )
    ]
)
