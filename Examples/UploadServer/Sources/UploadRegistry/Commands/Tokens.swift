import ArgumentParser
import Foundation
import MacaroonTokens

/// `upload-server tokens create|list|revoke`: token administration, usable while servers run.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke upload tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mint a token for a user; prints only the token.",
            discussion: "A project-scoped token needs an existing project the user owns; a first upload with an account-wide token creates a project.")

        @Option(help: "The user the token belongs to.")
        var user: String

        @Option(help: "Restrict the token to this project (repeatable).")
        var project: [String] = []

        @Option(help: "The token's lifetime, e.g. 90s, 15m, 2h, 30d (default: no expiry).")
        var ttl: String?

        @Option(help: "The token's name, unique per user.")
        var description: String?

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            var seconds: Int64?
            if let ttl {
                guard let value = DurationText.seconds(ttl) else { throw ValidationError("--ttl is a duration such as 90s, 15m, 2h or 30d") }
                seconds = value
            }
            let token = try await storeOptions.withStore { [user, project, description, seconds] store in
                guard let owner = try await store.registry.user(named: user) else {
                    throw RegistryError.notFound("no user '\(user)' (add it with: upload-server users add \(user))")
                }
                return try await TokenIssuer(store: store).mint(for: owner, name: description, projects: project, ttl: seconds).token
            }
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @Option(help: "Only this user's tokens.")
        var user: String?

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let listings = try await storeOptions.withStore { [user] store in
                let users: [RegistryUser]
                if let user {
                    guard let found = try await store.registry.user(named: user) else { throw RegistryError.notFound("no user '\(user)'") }
                    users = [found]
                } else {
                    users = try await store.registry.users()
                }
                var listings: [TokenListing] = []
                for user in users {
                    listings += try await store.tokens.tokens(ownedBy: .user(id: user.id)).map { TokenListing($0, user: user.name) }
                }
                return listings
            }
            if json {
                try printJSON(listings, keys: .convertToSnakeCase)
            } else {
                for listing in listings {
                    let expires = listing.expires.map(Clock.format) ?? "never"
                    // Names come from users (the JSON API): never raw on a terminal.
                    let name = RegistryDatabase.printable(listing.name)
                    print("\(listing.id)  \(listing.user ?? "-")  \(name)  expires: \(expires)  \(listing.caveats.joined(separator: " "))")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id (and every token restricted from it).")

        @Argument(help: "The token's id, as `tokens list` shows it.")
        var id: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await storeOptions.withStore { [id] store in
                guard let owner = try await Self.owner(ofToken: id, in: store) else {
                    throw RegistryError.notFound("no token \(RegistryDatabase.printable(id))")
                }
                try await store.tokens.delete(id: id, ownedBy: owner)
            }
            print("revoked \(id)")
        }

        /// The owner of token `id`, from the owners' listings: they never open a root key, so a
        /// token is revoked without the key-encryption key (lost, or not at hand in an emergency).
        static func owner(ofToken id: String, in store: RegistryStore) async throws -> TokenOwner? {
            var owners = try await store.registry.users().map { TokenOwner.user(id: $0.id) }
            owners += try await store.registry.gitHubPublishers().map { TokenOwner.trustedPublisher(id: $0.id) }
            for owner in owners where try await store.tokens.tokens(ownedBy: owner).contains(where: { $0.id == id }) {
                return owner
            }
            return nil
        }
    }
}
