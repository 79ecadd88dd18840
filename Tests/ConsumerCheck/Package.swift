// swift-tools-version: 6.1
import PackageDescription

// A package that uses only the core, as a server depending on swift-macaroons
// by URL would. scripts/check-core-purity resolves and builds it and fails if
// any server-side package (NIO, SQLite, PostgreSQL, logging, web frameworks)
// is in its dependency graph.
let package = Package(
    name: "consumer-check",
    dependencies: [
        .package(name: "swift-macaroons", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ConsumerCheck",
            dependencies: [
                .product(name: "Macaroons", package: "swift-macaroons"),
                .product(name: "MacaroonTokens", package: "swift-macaroons"),
            ]
        ),
    ]
)
