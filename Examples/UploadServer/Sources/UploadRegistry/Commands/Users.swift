import ArgumentParser

/// `upload-server users add NAME`.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the registry's users.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user.")

        @Argument(help: "The user name: 1 to 100 of A-Z a-z 0-9 . _ -")
        var name: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let user = try await storeOptions.withStore { [name] store in
                try await store.registry.addUser(name: name)
            }
            print("added user \(user.name) (\(user.id))")
        }
    }
}
