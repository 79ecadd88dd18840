import Foundation
import Testing

/// Trusted publishing and leak reports, end to end: upload-server behind TLS on
/// loopback, a local ID-token endpoint signing GitHub-shaped claims, and the real
/// twine 7.0.0 (with only `Resolver.is_pypi` replaced, so that it tries trusted
/// publishing against a loopback URL) and uv 0.13.8. Nothing leaves 127.0.0.1.
@Suite(.serialized)
struct TrustedPublishingTests {
    /// The audience the server is configured with.
    static let audience = "upload-server-test"

    /// The publishing job's environment: GitHub Actions' variables pointing at the local endpoint,
    /// the test CA trusted, no credentials or configuration of the user.
    static func ciEnvironment(idp: IDTokenEndpoint, ca: String) -> [String: String] {
        [
            "GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_URL": idp.url + "/token?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": idp.requestToken, "REQUESTS_CA_BUNDLE": ca, "SSL_CERT_FILE": ca,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "UV_NO_CONFIG": "1", "NO_COLOR": "1",
        ]
    }

    /// The real twine, trusted publishing: no password, `is_pypi` replaced.
    static func twineTrusted(_ clients: PythonClients, url: String, files: [String], environment: [String: String]) throws -> CommandResult {
        let script = """
            import sys, twine.auth as auth
            auth.Resolver.is_pypi = lambda self: True
            from twine.__main__ import main
            sys.argv = ["twine", "upload", "--non-interactive", "--disable-progress-bar", "--repository-url", sys.argv[1]] + sys.argv[2:]
            sys.exit(main())
            """
        return try Programs.run(clients.bin + "/python", ["-c", script, url + "/legacy/"] + files, environment: environment)
    }

    static func twineWithToken(_ clients: PythonClients, url: String, token: String, files: [String], environment: [String: String]) throws -> CommandResult {
        try Programs.run(
            clients.bin + "/twine",
            ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", url + "/legacy/", "-u", "__token__", "-p", token] + files,
            environment: environment)
    }

    struct PublisherListing: Decodable {
        let id: String
        let tokens: [String]
    }

    static func publisherTokens(_ store: [String]) throws -> [String] {
        let json = try Programs.admin(["publishers", "list", "--json"] + store)
        return try JSONDecoder().decode([PublisherListing].self, from: Data(json.utf8)).flatMap(\.tokens)
    }

    /// The ids of the tokens the server log says it minted by trusted publishing, in order.
    static func mintedTokenIDs(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains("trusted publishing token minted") }.compactMap { line in
            guard let range = line.range(of: "token_id=") else { return nil }
            return String(line[range.upperBound...].prefix(36))
        }
    }

    @Test func aPublisherWorkflowIsAYAMLFileName() throws {
        let work = try TemporaryDirectory()
        let store = ["--store", "sqlite:\(work.path)/registry.sqlite", "--data", work.path + "/data"]
        for workflow in ["release", "release.yml.bak", ".yml", "Release.YML"] {
            do {
                try Programs.admin(
                    ["publishers", "add", "--project", "p", "--repository", "o/r", "--owner-id", "1", "--workflow", workflow] + store)
                Issue.record("accepted the workflow '\(workflow)'")
            } catch {
                #expect("\(error)".contains("ending in .yml or .yaml"), "\(workflow): \(error)")
            }
        }
    }

    @Test("twine and uv publish with an ID token; leaked tokens reported by a signed report are revoked", PythonClients.needed)
    func realClients() async throws {
        let clients = try PythonClients.require()
        let work = try TemporaryDirectory()
        let tlsDirectory = work.path + "/tls", idpDirectory = work.path + "/idp", data = work.path + "/data"
        for directory in [tlsDirectory, idpDirectory] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let authority = try TestAuthority(in: tlsDirectory)
        let issuer = try TestIDTokenIssuer(in: idpDirectory)
        let reporter = try TestLeakReporter(in: idpDirectory)
        let idp = try IDTokenEndpoint(issuer: issuer, python: clients.bin + "/python")
        defer { idp.stop() }
        let store = ["--store", "sqlite:\(data)/registry.sqlite", "--data", data]

        try Programs.admin(["users", "add", "alice"] + store)
        let account = try Programs.admin(["tokens", "create", "--user", "alice", "--description", "account"] + store)
        let server = try ServerProcess(
            store + [
                "--tls-certificate", authority.serverCertificate, "--tls-key", authority.serverKey,
                "--oidc-jwks", "\(TestIDTokenIssuer.issuer)=\(idp.url)/jwks", "--leak-report-keys", "\(idp.url)/leak-keys",
                // Not PyPI's audience: the clients must ask the endpoint for the one the server announces.
                "--oidc-audience", Self.audience,
            ],
            logPath: work.path + "/server.log")
        defer { server.stop() }
        #expect(server.url.hasPrefix("https://127.0.0.1:"), "the ready line announces HTTPS: \(server.url)")
        let ci = Self.ciEnvironment(idp: idp, ca: authority.caCertificate)

        // The project exists (made by alice's first upload) and has a trusted publisher.
        let v1 = try clients.buildPackage(name: "tp-pkg", version: "0.1.0", in: work.path)
        let v2 = try clients.buildPackage(name: "tp-pkg", version: "0.2.0", in: work.path)
        let v3 = try clients.buildPackage(name: "tp-pkg", version: "0.3.0", in: work.path)
        let first = try Self.twineWithToken(clients, url: server.url, token: account, files: [v1.sdist], environment: ci)
        #expect(first.status == 0, "alice creates the project over HTTPS: \(first)")
        let publisherID = try Programs.admin(
            ["publishers", "add", "--project", "tp-pkg", "--repository", "octo-org/tp-pkg", "--owner-id", "4242",
             "--workflow", "release.yml", "--environment", "release"] + store)
        #expect(!publisherID.isEmpty)

        // twine: the registered workflow publishes without a password, with an ID token
        // signed when twine asked for one, for the audience the server announced.
        let jti = UUID().uuidString
        try issuer.prepare(TestIDTokenIssuer.claims(jti: jti))
        let published = try Self.twineTrusted(clients, url: server.url, files: [v2.wheel], environment: ci)
        #expect(published.status == 0, "twine trusted publishing: \(published)")
        #expect(published.output.contains("Minted upload token for trusted publishing"), "\(published)")
        #expect(try Self.publisherTokens(store).count == 1, "twine does not burn its token")
        let jwt = try #require(issuer.issued.last)
        #expect(TestIDTokenIssuer.payload(of: jwt)["aud"] as? String == Self.audience, "the endpoint signed the audience asked for")

        // An ID token with the same jti again (a replayed JWT): refused.
        let replayed = try Self.twineTrusted(clients, url: server.url, files: [v2.sdist], environment: ci)
        #expect(replayed.status != 0 && replayed.output.contains("invalid-reuse-token"), "\(replayed)")
        #expect(issuer.issued.count == 2, "each job got a token signed on request")

        // Another repository, workflow, environment; an expired token: refused with Warehouse's codes.
        let now = Int64(Date().timeIntervalSince1970)
        let refusals: [(String, [String: Any], String)] = [
            ("another repository", TestIDTokenIssuer.claims(repository: "octo-org/other"), "invalid-publisher"),
            ("another workflow", TestIDTokenIssuer.claims(workflow: "ci.yml"), "invalid-publisher"),
            ("another environment", TestIDTokenIssuer.claims(environment: "staging"), "invalid-publisher"),
            ("no environment", TestIDTokenIssuer.claims(environment: nil), "invalid-publisher"),
            ("an expired token", TestIDTokenIssuer.claims(issuedAt: now - 1000, lifetime: 300), "invalid-token"),
        ]
        for (label, claims, code) in refusals {
            try issuer.prepare(claims)
            let refused = try Self.twineTrusted(clients, url: server.url, files: [v2.sdist], environment: ci)
            #expect(refused.status != 0 && refused.output.contains(code), "\(label): \(refused)")
        }
        #expect(try Self.publisherTokens(store).count == 1, "no refusal minted a token")
        #expect(server.log.contains("reason=the token has expired"), "the log says why an ID token was refused")

        // uv: publishes with an ID token and burns its token afterwards.
        try issuer.prepare(TestIDTokenIssuer.claims())
        let mintedBefore = Self.mintedTokenIDs(server.log)
        let uv = try Programs.run(
            clients.bin + "/uv", ["publish", "--trusted-publishing", "always", "--publish-url", server.url + "/legacy/", v3.wheel, v3.sdist],
            environment: ci)
        #expect(uv.status == 0, "uv trusted publishing: \(uv)")
        try await Task.sleep(for: .milliseconds(300))
        let mintedForUV = Self.mintedTokenIDs(server.log).dropFirst(mintedBefore.count)
        #expect(mintedForUV.count == 1, "uv minted one token: \(server.log)")
        let remaining = try Self.publisherTokens(store)
        #expect(remaining == [mintedBefore.first].compactMap { $0 }, "uv's token is burned, twine's is not: \(remaining)")
        #expect(!remaining.contains { mintedForUV.contains($0) })
        #expect(server.log.contains("trusted publishing token burn") && server.log.contains("status=200"), "\(server.log)")

        // pip sees all three versions.
        let index = try Programs.run(
            clients.bin + "/pip",
            ["download", "--no-deps", "--disable-pip-version-check", "--no-cache-dir", "--cert", authority.caCertificate, "--index-url", server.url + "/simple/",
             "-d", work.path + "/downloads", "tp-pkg==0.3.0"],
            environment: ci)
        #expect(index.status == 0, "\(index)")

        // A leak report signed as GitHub signs revokes alice's token; twine then fails with it.
        let leaked = try Programs.admin(["tokens", "create", "--user", "alice", "--project", "tp-pkg", "--description", "leaked"] + store)
        let (body, signature) = try reporter.report(token: leaked, url: "https://github.example/octo-org/tp-pkg/blob/main/.pypirc")
        let tampered = try Programs.run(
            "/usr/bin/env",
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", authority.caCertificate,
             "-H", "Github-Public-Key-Identifier: \(reporter.keyID)", "-H", "Github-Public-Key-Signature: \(signature)",
             "-H", "Content-Type: application/json", "--data-binary", String(decoding: body, as: UTF8.self) + " ",
             server.url + "/_/secrets/disclose-token"])
        #expect(tampered.stdout == "400", "a body that is not the signed one: \(tampered)")
        let stillWorks = try Self.twineWithToken(clients, url: server.url, token: leaked, files: [v3.sdist], environment: ci)
        #expect(stillWorks.output.contains("400") && !stillWorks.output.contains("403"), "a refused report revokes nothing (the file exists): \(stillWorks)")
        let disclosed = try Programs.run(
            "/usr/bin/env",
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", authority.caCertificate,
             "-H", "Github-Public-Key-Identifier: \(reporter.keyID)", "-H", "Github-Public-Key-Signature: \(signature)",
             "-H", "Content-Type: application/json", "--data-binary", "@" + idpDirectory + "/report",
             server.url + "/_/secrets/disclose-token"])
        #expect(disclosed.stdout == "204", "\(disclosed)")
        let refused = try Self.twineWithToken(clients, url: server.url, token: leaked, files: [v3.sdist], environment: ci)
        #expect(refused.status != 0 && refused.output.contains("403"), "the reported token is revoked: \(refused)")
        // Over HTTPS too, the reason phrase carries Warehouse's refusal, which twine prints.
        #expect(refused.output.contains("Invalid API Token"), "twine shows why: \(refused)")
        let record = (try? String(contentsOfFile: data + "/leaked-tokens.jsonl", encoding: .utf8)) ?? ""
        #expect(record.contains("https://github.example/octo-org/tp-pkg/blob/main/.pypirc") && record.contains("leaked: reported by GitHub"))

        // No token and no key in the log.
        for secret in [account, leaked] + issuer.issued { #expect(!server.log.contains(secret)) }
        #expect(!server.log.contains("pypi-Ag"))
    }
}
