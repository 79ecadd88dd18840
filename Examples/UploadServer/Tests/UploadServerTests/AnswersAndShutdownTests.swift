import Foundation
import Testing

/// What twine and uv never send: requests without credentials, wrong digests,
/// the JSON API, and SIGTERM in the middle of an upload burst.
@Suite(.serialized)
struct AnswersAndShutdownTests {
    static let script = Programs.packageDirectory.appendingPathComponent("Tests/UploadServerTests/Scripts/uploads.py").path

    @Test("Warehouse's answers, the JSON API, and no upload lost or half-written at shutdown", PythonClients.needed)
    func answersAndShutdown() async throws {
        let clients = try PythonClients.require()
        func python(_ arguments: [String]) throws -> (status: String, body: String) {
            let result = try Programs.run(clients.bin + "/python", [Self.script] + arguments)
            guard result.status == 0 else { throw TestFailure("uploads.py failed: \(result)") }
            let lines = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(lines.first ?? ""), lines.count > 1 ? String(lines[1]) : "")
        }
        let work = try TemporaryDirectory()
        let data = work.path + "/data"
        let store = ["--data", data]
        try Programs.admin(["users", "add", "dave"] + store)
        let account = try Programs.admin(["tokens", "create", "--user", "dave", "--description", "account"] + store)
        var server = try ServerProcess(store, logPath: work.path + "/server.log")
        defer { server.stop() }

        let anonymous = try python(["upload", server.url, "", "dave-pkg", "1.0.0"])
        #expect(anonymous.status.hasPrefix("401 ") && anonymous.body.contains("Basic realm"), "\(anonymous)")
        let forged = try python(["upload", server.url, String(account.dropLast(4)) + "AAAA", "dave-pkg", "1.0.0"])
        #expect(forged.status.hasPrefix("403 Invalid API Token"), "\(forged)")
        // Every digest sent is checked (as Warehouse does), and at least one is required.
        let zeros = String(repeating: "0", count: 64)
        for wrong in ["sha256_digest=\(zeros)", "md5_digest=\(zeros.prefix(32))", "blake2_256_digest=\(zeros)"] {
            let mismatch = try python(["upload", server.url, account, "dave-pkg", "1.0.0", wrong])
            #expect(mismatch.status.hasPrefix("400 The digest supplied does not match"), "\(wrong): \(mismatch)")
        }
        let none = try python(["upload", server.url, account, "dave-pkg", "1.0.0", "md5_digest=", "sha256_digest=", "blake2_256_digest="])
        #expect(none.status.hasPrefix("400 Include at least one message digest"), "\(none)")
        let blake2Only = try python(["upload", server.url, account, "dave-pkg", "0.9.0", "md5_digest=", "sha256_digest="])
        #expect(blake2Only.status == "200 OK", "a BLAKE2b-256 digest alone is enough: \(blake2Only)")
        let md5Only = try python(["upload", server.url, account, "dave-pkg", "0.9.1", "sha256_digest=", "blake2_256_digest="])
        #expect(md5Only.status == "200 OK", "an MD5 digest alone is enough: \(md5Only)")
        let first = try python(["upload", server.url, account, "dave-pkg", "1.0.0"])
        #expect(first.status == "200 OK", "\(first)")

        // The JSON API, with the user's own account-wide token.
        let created = try python(["request", "POST", server.url + "/api/tokens", account, #"{"name": "api", "projects": ["dave-pkg"], "ttl": "1h"}"#])
        #expect(created.status.hasPrefix("201 "), "\(created)")
        struct Created: Decodable { let id: String; let token: String; let expires: Int64? }
        let minted = try JSONDecoder().decode(Created.self, from: Data(created.body.utf8))
        #expect(minted.token.hasPrefix("pypi-") && minted.expires != nil)
        let listed = try python(["request", "GET", server.url + "/api/tokens", account])
        #expect(listed.status.hasPrefix("200 ") && listed.body.contains("\"api\"") && !listed.body.contains(minted.token), "\(listed)")
        let scopedOnAPI = try python(["request", "GET", server.url + "/api/tokens", minted.token])
        #expect(scopedOnAPI.status.hasPrefix("403 Invalid API Token"), "a project-scoped token cannot manage tokens: \(scopedOnAPI)")
        let scopedUpload = try python(["upload", server.url, minted.token, "dave-pkg", "1.0.1"])
        #expect(scopedUpload.status == "200 OK", "\(scopedUpload)")
        let anonymousWho = try python(["request", "GET", server.url + "/api/whoami", ""])
        #expect(anonymousWho.status.hasPrefix("200 ") && anonymousWho.body.trimmingCharacters(in: .whitespacesAndNewlines) == "{}", "\(anonymousWho)")
        let revoked = try python(["request", "DELETE", server.url + "/api/tokens/\(minted.id)", account])
        #expect(revoked.status.hasPrefix("204 "), "\(revoked)")
        let afterRevoke = try python(["upload", server.url, minted.token, "dave-pkg", "1.0.2"])
        #expect(afterRevoke.status.hasPrefix("403 Invalid API Token"), "\(afterRevoke)")

        // SIGTERM while 40 uploads from 8 clients are under way: every upload answered 200 is
        // stored whole and listed, every other one is absent, and no temporary file remains.
        let burst = try Programs.run(
            clients.bin + "/python",
            [Self.script, "many", server.url, account, "dave-pkg", "40", "8", "\(server.process.processIdentifier)", "0.3"])
        #expect(burst.status == 0, "\(burst)")
        #expect(server.stop() == 0, "graceful shutdown exits 0")
        struct Outcome: Decodable { let filename: String; let sha256: String; let status: Int }
        let outcomes = try burst.stdout.split(separator: "\n").map { try JSONDecoder().decode(Outcome.self, from: Data($0.utf8)) }
        #expect(outcomes.count == 40)
        #expect(outcomes.contains { $0.status == 200 }, "some uploads finished before the shutdown")
        server = try ServerProcess(store, logPath: work.path + "/server2.log")
        let page = try python(["request", "GET", server.url + "/simple/dave-pkg/", ""])
        let stored = try FileManager.default.contentsOfDirectory(atPath: data + "/files/dave-pkg")
        for outcome in outcomes {
            let listedFile = page.body.contains("/\(outcome.filename)#sha256=\(outcome.sha256)")
            if outcome.status == 200 {
                #expect(listedFile, "\(outcome.filename) was accepted but is not listed")
                let file = try #require(stored.first { $0.hasSuffix("-" + outcome.filename) })
                #expect(try sha256(ofFile: data + "/files/dave-pkg/" + file, clients: clients) == outcome.sha256)
            } else {
                #expect(!page.body.contains("/\(outcome.filename)#"), "\(outcome.filename) was refused (\(outcome.status)) but is listed")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/tmp").isEmpty, "no temporary file remains")
    }
}
