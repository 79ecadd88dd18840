import Foundation
import Testing

/// Two `upload-server` instances sharing one PostgreSQL database (started by
/// `scripts/with-postgres`, which exports `MACAROONS_POSTGRES_URL`).
@Suite(.serialized)
struct PostgresRegistryTests {
    static let databaseURL = ProcessInfo.processInfo.environment["MACAROONS_POSTGRES_URL"]

    static var unavailableReason: String {
        [databaseURL == nil ? "MACAROONS_POSTGRES_URL is not set (run under scripts/with-postgres)" : nil, PythonClients.unavailableReason]
            .compactMap { $0 }.joined(separator: "; ")
    }

    @Test(
        "a token revoked through one instance is refused by the other",
        .enabled(if: (databaseURL != nil && PythonClients.installed != nil) || Programs.inCI, Comment(rawValue: "NOT RUN: " + unavailableReason)))
    func revocationAcrossInstances() async throws {
        guard let databaseURL = Self.databaseURL else { throw TestFailure(Self.unavailableReason) }
        let clients = try PythonClients.require()
        let work = try TemporaryDirectory()
        let data = work.path + "/data"
        let store = ["--store", databaseURL, "--data", data]
        let suffix = randomHex(bytes: 4)
        let user = "carol-\(suffix)", project = "shared-pkg-\(suffix)"

        try Programs.admin(["users", "add", user] + store)
        let account = try Programs.admin(["tokens", "create", "--user", user, "--description", "account"] + store)
        let first = try ServerProcess(store, logPath: work.path + "/first.log")
        defer { first.stop() }
        let second = try ServerProcess(store, logPath: work.path + "/second.log")
        defer { second.stop() }

        // Both instances see the same projects and files.
        let v1 = try clients.buildPackage(name: project, version: "1.0.0", in: work.path)
        let created = try clients.twineUpload(url: first.url, token: account, files: [v1.sdist])
        #expect(created.status == 0, "\(created)")
        let scoped = try Programs.admin(["tokens", "create", "--user", user, "--project", project, "--description", "ci"] + store)
        let viaSecond = try clients.twineUpload(url: second.url, token: scoped, files: [v1.wheel])
        #expect(viaSecond.status == 0, "\(viaSecond)")
        let again = try clients.twineUpload(url: first.url, token: scoped, files: [v1.wheel])
        #expect(again.status != 0 && again.output.contains("File already exists"), "the first instance knows the second's file: \(again)")

        // Revoke through the first instance's JSON API; the second refuses it within the cache bound.
        let v2 = try clients.buildPackage(name: project, version: "2.0.0", in: work.path)
        let id = try tokenID(named: "ci", in: try Programs.admin(["tokens", "list", "--user", user, "--json"] + store))
        let revoke = try Programs.run(
            clients.bin + "/python",
            ["-c", "import sys, urllib.request as u; r = u.Request(sys.argv[1], method='DELETE', headers={'Authorization': 'Bearer ' + sys.argv[2]}); print(u.urlopen(r).status)",
             "\(first.url)/api/tokens/\(id)", account])
        #expect(revoke.status == 0 && revoke.stdout.contains("204"), "\(revoke)")
        let revokedAt = Date()
        var refused: CommandResult?
        while Date().timeIntervalSince(revokedAt) < 10 {
            let attempt = try clients.twineUpload(url: second.url, token: scoped, files: [v2.sdist])
            if attempt.status != 0 { refused = attempt; break }
            Issue.record("the second instance accepted a revoked token \(Date().timeIntervalSince(revokedAt)) s after the revocation")
        }
        let elapsed = Date().timeIntervalSince(revokedAt)
        #expect(refused?.output.contains("403") == true && refused?.output.contains("revoked") == true, "\(String(describing: refused))")
        #expect(elapsed < 5, "refused \(elapsed) s after the revocation")
        #expect(first.stop() == 0 && second.stop() == 0)
    }
}
