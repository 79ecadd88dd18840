import ArgumentParser
import Foundation
import Logging
import MacaroonTokens

/// The options of every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "The store: sqlite:PATH or postgres://user[:password]@host[:port]/database (default: sqlite:DATA/registry.sqlite).")
    var store: String?

    @Option(help: "The data directory: release files, and the default SQLite store.")
    var data: String = "registry-data"

    @Option(name: .customLong("kek-file"), help: "A file holding the key-encryption key (64 hex digits) that seals stored token keys.")
    var kekFile: String?

    @Option(name: .customLong("previous-kek-file"), help: "A key-encryption key that still opens rows it sealed (during a rotation; repeatable).")
    var previousKEKFiles: [String] = []

    @Option(help: "The log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// The store URL, with the default under the data directory.
    func storeURL() throws -> StoreURL {
        try StoreURL(parsing: store ?? "sqlite:\(data)/registry.sqlite")
    }

    /// The key ring from `--kek-file` and `--previous-kek-file`.
    func keyRing() throws -> KeyRing {
        try KeyFile.ring(current: kekFile, previous: previousKEKFiles)
    }

    /// Logs to standard error (standard output carries only the commands' results).
    func logger() -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "upload-server")
    }

    /// Opens the store with ``logger()`` and runs `body` (the store commands).
    func withStore<T: Sendable>(_ body: @Sendable (RegistryStore) async throws -> T) async throws -> T {
        try await withStore(logger: logger(), body)
    }

    /// Opens the store (creating the data directory for the default SQLite file) and runs `body`.
    func withStore<T: Sendable>(
        cacheLookups: Bool = false, logger: Logger, _ body: @Sendable (RegistryStore) async throws -> T
    ) async throws -> T {
        let url = try storeURL()
        if case .sqlite(let path) = url {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
        }
        return try await RegistryStore.withStore(url, keyRing: keyRing(), cacheLookups: cacheLookups, logger: logger, body)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Prints `value` as sorted, indented JSON on standard output (the commands' `--json`).
func printJSON(_ value: some Encodable, keys: JSONEncoder.KeyEncodingStrategy = .useDefaultKeys) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = keys
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
