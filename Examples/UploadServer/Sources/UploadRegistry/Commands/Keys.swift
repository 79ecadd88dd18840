import ArgumentParser

/// `upload-server keys rewrap`: re-seals every stored token key under a new
/// key-encryption key, while servers keep running.
///
/// Rotation: restart each server with `--kek-file NEW --previous-kek-file OLD`,
/// run `keys rewrap --kek-file OLD --new-kek-file NEW`, then drop `--previous-kek-file`.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rotate the key-encryption key.", subcommands: [Rewrap.self])

    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every token key under --new-kek-file (--kek-file: the key they are sealed under now, if any).")

        @Option(name: .customLong("new-kek-file"), help: "The file holding the new key-encryption key.")
        var newKEKFile: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            var options = storeOptions
            options.previousKEKFiles = (storeOptions.kekFile.map { [$0] } ?? []) + storeOptions.previousKEKFiles
            options.kekFile = newKEKFile
            let count = try await options.withStore(logger: options.logger()) { store in
                try await store.tokens.rewrap()
            }
            print("rewrapped \(count) token keys")
        }
    }
}
