import Foundation
import Testing

/// The registry on a fresh SQLite store, driven by the real twine, uv and pip.
@Suite(.serialized)
struct SQLiteRegistryTests {
    @Test("twine, uv and pip against upload-server on SQLite", PythonClients.needed)
    func realClients() async throws {
        let clients = try PythonClients.require()
        let work = try TemporaryDirectory()
        let data = work.path + "/data"
        let kek = work.path + "/kek"
        try randomHex(bytes: 32).write(toFile: kek, atomically: true, encoding: .utf8)
        let store = ["--store", "sqlite:\(data)/registry.sqlite", "--data", data, "--kek-file", kek]

        try Programs.admin(["users", "add", "alice"] + store)
        try Programs.admin(["users", "add", "bob"] + store)
        let aliceAccount = try Programs.admin(["tokens", "create", "--user", "alice", "--description", "account"] + store)
        let bobAccount = try Programs.admin(["tokens", "create", "--user", "bob", "--description", "account"] + store)
        #expect(aliceAccount.hasPrefix("pypi-") && !aliceAccount.contains("\n"), "tokens create prints only the token")

        // A project-scoped token needs an existing project the user owns.
        let early = try Programs.run(Programs.uploadServer, ["tokens", "create", "--user", "alice", "--project", "tiny-pkg"] + store)
        #expect(early.status != 0 && early.stderr.contains("owns no project"), "\(early)")

        let server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }
        let v1 = try clients.buildPackage(name: "tiny-pkg", version: "0.1.0", in: work.path)
        let v2 = try clients.buildPackage(name: "tiny-pkg", version: "0.2.0", in: work.path)
        let bobs = try clients.buildPackage(name: "bobs-pkg", version: "1.0.0", in: work.path)

        // An account-wide token creates the project with its first upload.
        let created = try clients.twineUpload(url: server.url, token: aliceAccount, files: [v1.sdist])
        #expect(created.status == 0, "first upload creates the project: \(created)")
        let bobsCreated = try clients.twineUpload(url: server.url, token: bobAccount, files: [bobs.wheel])
        #expect(bobsCreated.status == 0, "\(bobsCreated)")

        // twine with a project-scoped token; uv with the same token for a second version.
        let scoped = try Programs.admin(["tokens", "create", "--user", "alice", "--project", "tiny-pkg", "--description", "ci"] + store)
        let listed = try Programs.admin(["tokens", "list", "--user", "alice", "--json"] + store)
        let ciCaveats = try tokenListing(named: "ci", in: listed).caveats
        #expect(ciCaveats.contains("[1,[\"tiny-pkg\"]]") && ciCaveats.contains { $0.hasPrefix("[2,[\"") }, "name and id caveats: \(listed)")
        #expect(!listed.contains(scoped) && !listed.contains("pypi-"), "tokens list never shows a secret")
        let twine = try clients.twineUpload(url: server.url, token: scoped, files: [v1.wheel])
        #expect(twine.status == 0, "twine upload with a project-scoped token: \(twine)")
        // twine 7.0.0 sends the SHA-256 and BLAKE2b-256 digests (no MD5), and the server checked both.
        let wheelName = URL(fileURLWithPath: v1.wheel).lastPathComponent
        let uploadLine = server.log.split(separator: "\n").first { $0.contains("file uploaded") && $0.contains("file=\(wheelName)") }
        #expect(uploadLine?.contains("digests=sha256_digest,blake2_256_digest") == true, "\(uploadLine ?? "no log line")")
        let uv = try clients.uvPublish(url: server.url, token: scoped, files: [v2.wheel, v2.sdist])
        #expect(uv.status == 0, "uv publish with the same token, second version: \(uv)")

        // The same file again: 400, as PyPI.
        let again = try clients.twineUpload(url: server.url, token: scoped, files: [v1.wheel])
        #expect(again.status != 0 && again.output.contains("400") && again.output.contains("File already exists"), "\(again)")

        // Another project: refused, and twine shows why.
        let otherProject = try clients.twineUpload(url: server.url, token: scoped, files: [bobs.wheel])
        #expect(otherProject.status != 0 && otherProject.output.contains("403"), "\(otherProject)")
        #expect(otherProject.output.contains("Invalid API Token") && otherProject.output.contains("not valid for project"), "\(otherProject)")
        let notOwner = try clients.twineUpload(url: server.url, token: aliceAccount, files: [bobs.sdist])
        #expect(notOwner.status != 0 && notOwner.output.contains("isn't allowed to upload to project"), "\(notOwner)")

        // A revoked token.
        let doomed = try Programs.admin(["tokens", "create", "--user", "alice", "--project", "tiny-pkg", "--description", "doomed"] + store)
        let doomedID = try tokenID(named: "doomed", in: try Programs.admin(["tokens", "list", "--json"] + store))
        try Programs.admin(["tokens", "revoke", doomedID] + store)
        let revoked = try clients.twineUpload(url: server.url, token: doomed, files: [v2.sdist])
        #expect(revoked.status != 0 && revoked.output.contains("403") && revoked.output.contains("revoked"), "\(revoked)")

        // An expired token: refused with the expiry reason.
        let shortLived = try Programs.admin(
            ["tokens", "create", "--user", "alice", "--project", "tiny-pkg", "--ttl", "1s", "--description", "short"] + store)
        try await Task.sleep(for: .seconds(2.2))
        let expired = try clients.twineUpload(url: server.url, token: shortLived, files: [v2.sdist])
        #expect(expired.status != 0 && expired.output.contains("403") && expired.output.contains("expired"), "\(expired)")

        // A token restricted offline with `macaroon restrict` to another project.
        let restrict = try Programs.run(Programs.macaroon, ["restrict", "--project", "bobs-pkg", scoped])
        #expect(restrict.status == 0, "\(restrict)")
        let restricted = restrict.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let narrowed = try clients.twineUpload(url: server.url, token: restricted, files: [v2.sdist])
        #expect(narrowed.status != 0 && narrowed.output.contains("403") && narrowed.output.contains("not valid for project"), "\(narrowed)")

        // pip fetches what was uploaded, with the same digest.
        let downloads = work.path + "/downloads"
        let pip = try clients.pipDownload(url: server.url, requirement: "tiny-pkg==0.2.0", into: downloads)
        #expect(pip.status == 0, "\(pip)")
        let fetched = try FileManager.default.contentsOfDirectory(atPath: downloads)
        #expect(fetched.count == 1, "\(fetched)")
        if let name = fetched.first {
            let uploaded = name.hasSuffix(".whl") ? v2.wheel : v2.sdist
            #expect(try sha256(ofFile: downloads + "/" + name, clients: clients) == sha256(ofFile: uploaded, clients: clients))
        }

        // A server with another key-encryption key refuses tokens it cannot open, says so, and keeps serving;
        // `keys rewrap` re-seals every key under its key while both servers run, and then it accepts them.
        let newKEK = work.path + "/kek2"
        try randomHex(bytes: 32).write(toFile: newKEK, atomically: true, encoding: .utf8)
        let rotated = try ServerProcess(
            ["--store", "sqlite:\(data)/registry.sqlite", "--data", data, "--kek-file", newKEK], logPath: work.path + "/rotated.log")
        defer { rotated.stop() }
        let v3 = try clients.buildPackage(name: "tiny-pkg", version: "0.3.0", in: work.path)
        let wrongKey = try clients.twineUpload(url: rotated.url, token: scoped, files: [v3.wheel])
        #expect(wrongKey.status != 0 && wrongKey.output.contains("503"), "\(wrongKey)")
        #expect(rotated.log.contains("keyUnavailable"), "the refusal is logged: \(rotated.log)")
        let rewrap = try Programs.admin(["keys", "rewrap", "--new-kek-file", newKEK] + store)
        #expect(rewrap.hasPrefix("rewrapped ") && !rewrap.hasPrefix("rewrapped 0 "), "\(rewrap)")
        let afterRewrap = try clients.twineUpload(url: rotated.url, token: scoped, files: [v3.wheel])
        #expect(afterRewrap.status == 0, "after the rewrap the new key opens the token: \(afterRewrap)")
        #expect(rotated.stop() == 0)

        // Graceful shutdown, and no token or key in the log (at debug level).
        #expect(server.stop() == 0)
        let log = server.log + rotated.log
        for token in [aliceAccount, bobAccount, scoped, doomed, shortLived, restricted] {
            #expect(!log.contains(token) && !log.contains(String(token.dropFirst(5).prefix(40))), "a token appears in the server's log")
        }
        for secret in [try String(contentsOfFile: kek, encoding: .utf8), try String(contentsOfFile: newKEK, encoding: .utf8)] {
            #expect(!log.contains(secret) && !log.lowercased().contains(secret.prefix(16)), "a key-encryption key appears in the server's log")
        }
        #expect(log.contains("macaroon: token refused") && log.contains("file uploaded"), "refusals and uploads are logged")
    }
}

/// A token as `tokens list --json` shows it.
struct TokenListing: Decodable {
    let id: String
    let name: String
    let caveats: [String]
}

/// The token named `name` in `tokens list --json` output.
func tokenListing(named name: String, in json: String) throws -> TokenListing {
    let listings = try JSONDecoder().decode([TokenListing].self, from: Data(json.utf8))
    guard let listing = listings.first(where: { $0.name == name }) else { throw TestFailure("no token named \(name) in \(json)") }
    return listing
}

/// The id of the token named `name` in `tokens list --json` output.
func tokenID(named name: String, in json: String) throws -> String {
    try tokenListing(named: name, in: json).id
}

/// `bytes` random bytes in hex.
func randomHex(bytes: Int) -> String {
    (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("upload-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
