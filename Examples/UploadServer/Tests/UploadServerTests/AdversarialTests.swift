import Foundation
import Testing

/// Attacks on the registry over HTTP and through its commands (no Python client needed).
@Suite(.serialized)
struct AdversarialTests {
    /// A fresh SQLite registry with users and their account-wide tokens, and a server on it.
    final class Registry {
        let work: TemporaryDirectory
        let store: [String]
        var tokens: [String: String] = [:]
        private(set) var server: ServerProcess?

        init(users: [String]) throws {
            work = try TemporaryDirectory()
            store = ["--store", "sqlite:\(work.path)/data/registry.sqlite", "--data", work.path + "/data"]
            for user in users {
                try Programs.admin(["users", "add", user] + store)
                tokens[user] = try Programs.admin(["tokens", "create", "--user", user, "--description", "account"] + store)
            }
        }

        func start(_ extra: [String] = []) throws -> String {
            let server = try ServerProcess(store + extra, logPath: work.path + "/server-\(UUID().uuidString).log")
            self.server = server
            return server.url
        }

        deinit { server?.stop() }
    }

    @Test("a token its holder restricted cannot manage tokens, and an expiring token mints none that outlives it")
    func tokenManagementKeepsRestrictions() async throws {
        let registry = try Registry(users: ["carol"])
        let account = try #require(registry.tokens["carol"])
        let url = try registry.start()

        // `macaroon restrict --ttl 1h`: the holder means this token to be dead in an hour.
        let restrict = try Programs.run(Programs.macaroon, ["restrict", "--ttl", "1h", account])
        #expect(restrict.status == 0, "\(restrict)")
        let hourLong = restrict.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let minted = try await HTTPClient.send("POST", url + "/api/tokens", token: hourLong, json: #"{"name": "forever"}"#)
        #expect(minted.status == 403 && minted.body.contains("restricted by its holder"), "no unrestricted token from a restricted one: \(minted)")
        #expect(try await HTTPClient.send("GET", url + "/api/tokens", token: hourLong).status == 403)
        let accountID = try tokenID(named: "account", in: try Programs.admin(["tokens", "list", "--json"] + registry.store))
        #expect(try await HTTPClient.send("DELETE", url + "/api/tokens/\(accountID)", token: hourLong).status == 403)
        #expect(try await HTTPClient.send("GET", url + "/api/whoami", token: hourLong).status == 200, "it still authenticates")

        // A token minted with a ttl creates only tokens that expire no later.
        let short = try await HTTPClient.send("POST", url + "/api/tokens", token: account, json: #"{"name": "short", "ttl": "1h"}"#)
        #expect(short.status == 201, "\(short)")
        struct Created: Decodable { let token: String; let expires: Int64? }
        let shortToken = try JSONDecoder().decode(Created.self, from: Data(short.body.utf8)).token
        let forever = try await HTTPClient.send("POST", url + "/api/tokens", token: shortToken, json: #"{"name": "forever"}"#)
        #expect(forever.status == 400 && forever.body.contains("outlives it"), "\(forever)")
        let longer = try await HTTPClient.send("POST", url + "/api/tokens", token: shortToken, json: #"{"name": "longer", "ttl": "2h"}"#)
        #expect(longer.status == 400, "\(longer)")
        let shorter = try await HTTPClient.send("POST", url + "/api/tokens", token: shortToken, json: #"{"name": "shorter", "ttl": "10m"}"#)
        #expect(shorter.status == 201, "\(shorter)")
        #expect(try await HTTPClient.send("GET", url + "/api/tokens", token: account).status == 200)
    }
}
