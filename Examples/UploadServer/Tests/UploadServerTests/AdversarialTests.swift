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
        let who = try await HTTPClient.send("GET", url + "/api/whoami", token: hourLong)
        #expect(who.status == 200, "it still authenticates")
        struct WhoAmI: Decodable { let user: String }
        let user = try JSONDecoder().decode(WhoAmI.self, from: Data(who.body.utf8)).user
        #expect(!user.isEmpty && who.body == #"{"user":"\#(user)"}"#, "\(who.body)")

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

    @Test("a file is named for its own project: an owner of 'alpha' cannot take file names of 'alpha-beta'")
    func fileNamesBelongToTheirProject() async throws {
        let registry = try Registry(users: ["alice", "bob"])
        let alice = try #require(registry.tokens["alice"]), bob = try #require(registry.tokens["bob"])
        let url = try registry.start()
        func upload(_ token: String, _ name: String, _ filename: String) async throws -> HTTPClient.Answer {
            try await HTTPClient.upload(url, token: token, name: name, version: "1.0", filename: filename)
        }
        #expect(try await upload(alice, "alpha", "alpha-1.0.tar.gz").status == 200)
        let squat = try await upload(alice, "alpha", "alpha-beta-1.0.tar.gz")
        #expect(squat.status == 400 && squat.body.contains("should contain the normalized project name 'alpha'"), "\(squat)")
        #expect(try await upload(alice, "alpha", "alpha_beta-1.0-py3-none-any.whl").status == 400)
        #expect(try await upload(alice, "alpha", "alpha-1.0.exe").status == 400, "neither a wheel nor an sdist")
        // The owner of 'alpha-beta' uploads its own 1.0 under its own names (an sdist's as PEP 625 spells it).
        let unnormalized = try await upload(bob, "alpha-beta", "alpha-beta-1.0.tar.gz")
        #expect(unnormalized.status == 400 && unnormalized.body.contains("should be 'alpha_beta-1.0.tar.gz'"), "\(unnormalized)")
        #expect(try await upload(bob, "alpha-beta", "alpha_beta-1.0.tar.gz").status == 200)
        #expect(try await upload(bob, "Alpha.Beta", "alpha_beta-1.0-py3-none-any.whl").status == 200)
        // A refused file name creates no project.
        #expect(try await upload(bob, "gamma", "alpha-2.0.tar.gz").status == 400)
        let index = try await HTTPClient.send("GET", url + "/simple/")
        #expect(!index.body.contains("gamma"), "\(index)")
    }

    @Test("one sdist per release, and the file name's version is the form's, as Warehouse checks them")
    func releasesAndVersions() async throws {
        let registry = try Registry(users: ["alice"])
        let alice = try #require(registry.tokens["alice"])
        let url = try registry.start()
        func upload(_ version: String, _ filename: String) async throws -> HTTPClient.Answer {
            try await HTTPClient.upload(url, token: alice, name: "delta", version: version, filename: filename)
        }
        func refused(_ answer: HTTPClient.Answer, _ message: String) -> Bool { answer.status == 400 && answer.body.contains(message) }

        #expect(try await upload("1.0", "delta-1.0.tar.gz").status == 200)
        // 1.0.0 is release 1.0 again: its sdist is a second one.
        let second = try await upload("1.0.0", "delta-1.0.0.tar.gz")
        #expect(refused(second, "Only one sdist may be uploaded per release."), "\(second)")
        // Wheels are not limited, and a wheel's version is compared under PEP 440 (1.0.0 is 1.0).
        #expect(try await upload("1.0", "delta-1.0.0-py3-none-any.whl").status == 200)
        #expect(try await upload("1.0.0", "delta-1.0-py3-none-win_amd64.whl").status == 200)
        let zip = try await upload("1.0", "delta-1.0.zip")
        #expect(refused(zip, "Filename 'delta-1.0.zip' is invalid, should be 'delta-1.0.tar.gz'."), "\(zip)")
        let wheel = try await upload("1.0", "delta-2.0-py3-none-any.whl")
        #expect(refused(wheel, "Version in filename should be '1.0' not '2.0'."), "\(wheel)")
        let sdist = try await upload("2.0", "delta-2.0.0.tar.gz")
        #expect(refused(sdist, "Filename 'delta-2.0.0.tar.gz' is invalid, should be 'delta-2.0.tar.gz'."), "\(sdist)")
        let invalid = try await upload("2.0 final", "delta-2.0.tar.gz")
        #expect(refused(invalid, "'2.0 final' is invalid for 'version'."), "\(invalid)")
        let local = try await upload("2.0+local", "delta-2.0+local-py3-none-any.whl")
        #expect(refused(local, "The use of local versions in <Version('2.0+local')> is not allowed."), "\(local)")
        let unparsable = try await upload("2.0", "delta-two-py3-none-any.whl")
        #expect(refused(unparsable, "Invalid wheel filename (invalid version): 'delta-two-py3-none-any'"), "\(unparsable)")
        // Another release has its own sdist.
        #expect(try await upload("2.0", "delta-2.0.tar.gz").status == 200)

        let page = try await HTTPClient.send("GET", url + "/simple/delta/")
        for accepted in ["delta-1.0.tar.gz", "delta-1.0.0-py3-none-any.whl", "delta-1.0-py3-none-win_amd64.whl", "delta-2.0.tar.gz"] {
            #expect(page.body.contains("/\(accepted)#sha256="), "\(accepted): \(page)")
        }
        for refusedName in ["delta-1.0.0.tar.gz", "delta-1.0.zip", "delta-2.0-py3", "delta-2.0.0.tar.gz"] {
            #expect(!page.body.contains(refusedName), "\(refusedName): \(page)")
        }
    }

    @Test("a file name of the longest valid length (255 bytes) is stored and served: its stored name fits the file system's limit")
    func longestFileNameIsStored() async throws {
        let registry = try Registry(users: ["alice"])
        let alice = try #require(registry.tokens["alice"])
        let url = try registry.start()
        let head = "zeta-1.0-py3-none-", tail = ".whl"
        let filename = head + String(repeating: "a", count: 255 - head.utf8.count - tail.utf8.count) + tail
        #expect(filename.utf8.count == 255)
        let answer = try await HTTPClient.upload(url, token: alice, name: "zeta", version: "1.0", filename: filename)
        #expect(answer.status == 200, "\(answer)")
        let page = try await HTTPClient.send("GET", url + "/simple/zeta/")
        #expect(page.body.contains("/\(filename)#sha256="), "\(page)")
    }

    @Test("a release file that cannot be written is a 503 (an outage, not a verdict) and leaves no project; once it can, the upload succeeds")
    func unwritableFileIsAnOutage() async throws {
        let registry = try Registry(users: ["alice"])
        let alice = try #require(registry.tokens["alice"])
        let url = try registry.start()
        // A plain file where the project's folder goes: the folder cannot be created.
        let folder = registry.work.path + "/data/files/eta"
        #expect(FileManager.default.createFile(atPath: folder, contents: Data("x".utf8)))
        let failed = try await HTTPClient.upload(url, token: alice, name: "eta", version: "1.0", filename: "eta-1.0.tar.gz")
        #expect(failed.status == 503 && failed.body.contains("the release file cannot be stored"), "\(failed)")
        #expect(try await HTTPClient.send("GET", url + "/simple/eta/").status == 404)
        try FileManager.default.removeItem(atPath: folder)
        #expect(try await HTTPClient.upload(url, token: alice, name: "eta", version: "1.0", filename: "eta-1.0.tar.gz").status == 200)
    }

    @Test("a first upload that is refused leaves no project: the name stays free for another user")
    func refusedFirstUploadsCreateNoProject() async throws {
        let registry = try Registry(users: ["alice", "bob"])
        let alice = try #require(registry.tokens["alice"]), bob = try #require(registry.tokens["bob"])
        let url = try registry.start()
        let restrict = try Programs.run(Programs.macaroon, ["restrict", "--project", "other", alice])
        #expect(restrict.status == 0, "\(restrict)")
        let elsewhere = restrict.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let refusals: [(what: String, status: Int, answer: HTTPClient.Answer)] = [
            ("a wrong digest", 400, try await HTTPClient.upload(
                url, token: alice, name: "omega", version: "1.0", filename: "omega-1.0.tar.gz", sha256: String(repeating: "0", count: 64))),
            ("an invalid file name", 400, try await HTTPClient.upload(url, token: alice, name: "omega", version: "1.0", filename: "omega-1.0.exe")),
            ("another version", 400, try await HTTPClient.upload(
                url, token: alice, name: "omega", version: "1.0", filename: "omega-2.0-py3-none-any.whl")),
            ("an invalid version", 400, try await HTTPClient.upload(url, token: alice, name: "omega", version: "one", filename: "omega-1.tar.gz")),
            ("a caveat that denies", 403, try await HTTPClient.upload(url, token: elsewhere, name: "omega", version: "1.0", filename: "omega-1.0.tar.gz")),
        ]
        for refusal in refusals {
            #expect(refusal.answer.status == refusal.status, "\(refusal.what): \(refusal.answer)")
        }
        #expect(!(try await HTTPClient.send("GET", url + "/simple/")).body.contains("omega"))
        #expect(try await HTTPClient.send("GET", url + "/simple/omega/").status == 404)

        // Bob claims the name; it is his.
        #expect(try await HTTPClient.upload(url, token: bob, name: "omega", version: "1.0", filename: "omega-1.0.tar.gz").status == 200)
        let late = try await HTTPClient.upload(url, token: alice, name: "omega", version: "1.0", filename: "omega-1.0-py3-none-any.whl")
        #expect(late.status == 403 && late.body.contains("The user 'alice' isn't allowed to upload to project 'omega'"), "\(late)")
    }

    @Test("racing sdists of one release (1.0, 1.0.0, …) on SQLite: exactly one is accepted")
    func racingSdistsOnSQLite() async throws {
        let work = try TemporaryDirectory()
        try await Self.raceSdists(store: ["--store", "sqlite:\(work.path)/data/registry.sqlite", "--data", work.path + "/data"], work: work)
    }

    @Test(
        "racing sdists of one release (1.0, 1.0.0, …) on PostgreSQL: exactly one is accepted",
        .enabled(if: databaseURL != nil || Programs.inCI, "NOT RUN: MACAROONS_POSTGRES_URL is not set (run under scripts/with-postgres)"))
    func racingSdistsOnPostgres() async throws {
        let work = try TemporaryDirectory()
        try await Self.raceSdists(store: ["--store", try #require(Self.databaseURL), "--data", work.path + "/data"], work: work)
    }

    /// Eight uploads of sdists of one release, spelled `1.0` to `1.0.0.0.0.0.0.0.0`, at once.
    static func raceSdists(store: [String], work: TemporaryDirectory) async throws {
        let user = "rita-\(randomHex(bytes: 4))", project = "race\(randomHex(bytes: 4))"
        try Programs.admin(["users", "add", user] + store)
        let token = try Programs.admin(["tokens", "create", "--user", user, "--description", "account"] + store)
        let server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }
        #expect(try await HTTPClient.upload(server.url, token: token, name: project, version: "0.1", filename: "\(project)-0.1.tar.gz").status == 200)

        let versions = (1...8).map { "1" + String(repeating: ".0", count: $0) }
        let answers = try await withThrowingTaskGroup(of: HTTPClient.Answer.self) { group in
            for version in versions {
                group.addTask {
                    try await HTTPClient.upload(server.url, token: token, name: project, version: version, filename: "\(project)-\(version).tar.gz")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.filter { $0.status == 200 }.count == 1, "\(answers)")
        #expect(answers.filter { $0.status == 400 && $0.body.contains("Only one sdist may be uploaded per release.") }.count == 7, "\(answers)")
        let page = try await HTTPClient.send("GET", server.url + "/simple/\(project)/")
        #expect(versions.filter { page.body.contains("/\(project)-\($0).tar.gz#") }.count == 1, "\(page)")
    }

    @Test("two users racing to claim one new name on SQLite: one owns it, every upload of the other is refused (403) and leaves no file")
    func racingClaimsOnSQLite() async throws {
        let work = try TemporaryDirectory()
        try await Self.raceClaims(store: ["--store", "sqlite:\(work.path)/data/registry.sqlite", "--data", work.path + "/data"], work: work)
    }

    @Test(
        "two users racing to claim one new name on PostgreSQL: one owns it, every upload of the other is refused (403) and leaves no file",
        .enabled(if: databaseURL != nil || Programs.inCI, "NOT RUN: MACAROONS_POSTGRES_URL is not set (run under scripts/with-postgres)"))
    func racingClaimsOnPostgres() async throws {
        let work = try TemporaryDirectory()
        try await Self.raceClaims(store: ["--store", try #require(Self.databaseURL), "--data", work.path + "/data"], work: work)
    }

    /// Two users, four first uploads each (wheels of one new project, each its own file name), at once.
    static func raceClaims(store: [String], work: TemporaryDirectory) async throws {
        let suffix = randomHex(bytes: 4), project = "claim\(suffix)"
        let users = ["ann-\(suffix)", "ben-\(suffix)"]
        var tokens: [String: String] = [:]
        for user in users {
            try Programs.admin(["users", "add", user] + store)
            tokens[user] = try Programs.admin(["tokens", "create", "--user", user, "--description", "account"] + store)
        }
        let server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }
        let uploads = users.flatMap { user in (1...4).map { (user: user, filename: "\(project)-1.0-py3-none-\(user)_\($0).whl") } }
        let answers = try await withThrowingTaskGroup(of: (user: String, filename: String, answer: HTTPClient.Answer).self) { group in
            for upload in uploads {
                let token = try #require(tokens[upload.user])
                group.addTask {
                    (upload.user, upload.filename,
                     try await HTTPClient.upload(server.url, token: token, name: project, version: "1.0", filename: upload.filename))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = Set(answers.filter { $0.answer.status == 200 }.map(\.user))
        #expect(winners.count == 1, "\(answers.map { ($0.user, $0.answer) })")
        let winner = try #require(winners.first)
        for (user, filename, answer) in answers {
            if user == winner {
                #expect(answer.status == 200, "\(filename): \(answer)")
            } else {
                #expect(answer.status == 403 && answer.body.contains("isn't allowed to upload to project"), "\(filename): \(answer)")
            }
        }
        let page = try await HTTPClient.send("GET", server.url + "/simple/\(project)/")
        for (user, filename, _) in answers {
            #expect(page.body.contains("/\(filename)#") == (user == winner), "\(filename): \(page)")
        }
        // No bytes of a refused upload are left behind.
        let folder = work.path + "/data/files/\(project)"
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(stored.count == 4, "\(stored)")
        #expect(stored.allSatisfy { $0.contains(winner) }, "\(stored)")
    }

    @Test("tokens revoke works without the key-encryption key (or with another one)")
    func revokeWithoutTheKey() async throws {
        let work = try TemporaryDirectory()
        let kek = work.path + "/kek", otherKEK = work.path + "/other-kek"
        try randomHex(bytes: 32).write(toFile: kek, atomically: true, encoding: .utf8)
        try randomHex(bytes: 32).write(toFile: otherKEK, atomically: true, encoding: .utf8)
        let store = ["--store", "sqlite:\(work.path)/data/registry.sqlite", "--data", work.path + "/data"]
        try Programs.admin(["users", "add", "erin"] + store + ["--kek-file", kek])
        for name in ["one", "two"] {
            try Programs.admin(["tokens", "create", "--user", "erin", "--description", name] + store + ["--kek-file", kek])
        }
        let listed = try Programs.admin(["tokens", "list", "--json"] + store)
        let revoked = try Programs.run(Programs.uploadServer, ["tokens", "revoke", try tokenID(named: "one", in: listed)] + store)
        #expect(revoked.status == 0, "without --kek-file: \(revoked)")
        let withOther = try Programs.run(
            Programs.uploadServer, ["tokens", "revoke", try tokenID(named: "two", in: listed)] + store + ["--kek-file", otherKEK])
        #expect(withOther.status == 0, "with another key: \(withOther)")
        #expect(!(try Programs.admin(["tokens", "list"] + store)).contains("erin"), "both tokens are gone")
        let unknown = try Programs.run(Programs.uploadServer, ["tokens", "revoke", "no-such-token"] + store)
        #expect(unknown.status != 0 && unknown.stderr.contains("no token"), "\(unknown)")
    }

    @Test("token names from the JSON API never reach the administrator's terminal raw")
    func tokenNamesAreEscapedInListings() async throws {
        let registry = try Registry(users: ["frank"])
        let url = try registry.start()
        let hostile = #"{"name": "ci\u001b]0;owned\u0007\u001b[2J"}"#
        let created = try await HTTPClient.send("POST", url + "/api/tokens", token: try #require(registry.tokens["frank"]), json: hostile)
        #expect(created.status == 201, "\(created)")
        let listed = try Programs.admin(["tokens", "list"] + registry.store)
        #expect(listed.contains("ci") && !listed.contains("\u{1B}") && !listed.contains("\u{7}"), "\(listed)")
        let nul = try await HTTPClient.send("POST", url + "/api/tokens", token: try #require(registry.tokens["frank"]), json: #"{"name": "a\u0000b"}"#)
        #expect(nul.status == 400, "a NUL in a name is the request's fault: \(nul)")
    }

    static let databaseURL = ProcessInfo.processInfo.environment["MACAROONS_POSTGRES_URL"]

    @Test(
        "on PostgreSQL, bytes its text refuses are the request's fault (400/404), never a 503",
        .enabled(if: databaseURL != nil || Programs.inCI, "NOT RUN: MACAROONS_POSTGRES_URL is not set (run under scripts/with-postgres)"))
    func postgresRefusedBytesAreNoOutage() async throws {
        let databaseURL = try #require(Self.databaseURL)
        let work = try TemporaryDirectory()
        let store = ["--store", databaseURL, "--data", work.path + "/data"]
        let user = "grace-\(randomHex(bytes: 4))"
        try Programs.admin(["users", "add", user] + store)
        let account = try Programs.admin(["tokens", "create", "--user", user, "--description", "account"] + store)
        let server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }
        let project = try await HTTPClient.send("POST", server.url + "/api/tokens", token: account, json: #"{"projects": ["x\u0000"]}"#)
        #expect(project.status == 404, "\(project)")
        let name = try await HTTPClient.send("POST", server.url + "/api/tokens", token: account, json: #"{"name": "x\u0000"}"#)
        #expect(name.status == 400, "\(name)")
        #expect(!server.log.contains("failure"), "no outage logged: \(server.log)")
    }

    @Test(
        "a PostgreSQL that stops answering is a 503 in bounded time, never a request that hangs",
        .enabled(if: PrivatePostgres.available || Programs.inCI, "NOT RUN: Debian's postgresql is not installed"))
    func stalledPostgresIsA503() async throws {
        let postgres = try PrivatePostgres()
        defer { postgres.stop() }
        let work = try TemporaryDirectory()
        let store = ["--store", postgres.url, "--data", work.path + "/data"]
        try Programs.admin(["users", "add", "ivan"] + store)
        let server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }
        #expect(try await HTTPClient.send("GET", server.url + "/simple/").status == 200)

        try postgres.pause()
        // Before the server stops (defers run in reverse): a server shutting down waits for its requests.
        defer { postgres.resume() }
        let start = ContinuousClock.now
        let answer = try await HTTPClient.send("GET", server.url + "/simple/", timeout: 20)
        let waited = ContinuousClock.now - start
        postgres.resume()
        #expect(answer.status == 503, "\(answer)")
        #expect(waited < .seconds(15), "answered after \(waited)")
        #expect(try await HTTPClient.send("GET", server.url + "/simple/").status == 200, "serves again once the database answers")
    }
}
