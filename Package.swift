// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-macaroons",
    products: [
        .library(name: "Macaroons", targets: ["Macaroons"]),
        .library(name: "MacaroonTokens", targets: ["MacaroonTokens"]),
        .executable(name: "macaroon", targets: ["MacaroonTool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .executableTarget(name: "FuzzTokens", dependencies: ["Macaroons", "MacaroonTokens"], path: "Sources/Fuzz/FuzzTokens"),
        .executableTarget(name: "FuzzCaveats", dependencies: ["Macaroons", "MacaroonTokens"], path: "Sources/Fuzz/FuzzCaveats"),
        .executableTarget(name: "FuzzRoundTrip", dependencies: ["Macaroons"], path: "Sources/Fuzz/FuzzRoundTrip"),
        .executableTarget(name: "FuzzDifferential", dependencies: ["Macaroons"], path: "Sources/Fuzz/FuzzDifferential"),
        // Helpers shared by the test targets.
        .target(
            name: "MacaroonTestSupport",
            dependencies: ["Macaroons"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "MacaroonToolTests",
            dependencies: ["MacaroonTool", "Macaroons", "MacaroonTokens"]
        ),
        .testTarget(
            name: "MacaroonTokensTests",
            dependencies: ["MacaroonTokens", "Macaroons", "MacaroonTestSupport"]
        ),
        .testTarget(
            name: "MacaroonsTests",
            dependencies: ["Macaroons", "MacaroonTestSupport"]
        ),
    ]
)
