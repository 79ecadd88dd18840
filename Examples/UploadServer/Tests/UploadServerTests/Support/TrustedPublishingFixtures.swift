import Foundation
import Testing

/// Runs `openssl` (the CLI) with `arguments`, optionally feeding `input`; throws unless it succeeds.
@discardableResult
func openssl(_ arguments: [String], in directory: String) throws -> String {
    let result = try Programs.run("/usr/bin/env", ["openssl"] + arguments, directory: directory)
    guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")) failed: \(result)") }
    return result.stdout
}

/// Base64url without padding.
func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// A certificate authority made for one test, and a server certificate for 127.0.0.1 it signed.
struct TestAuthority {
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String

    init(in directory: String) throws {
        try openssl(
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=upload-server test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: directory)
        try openssl(
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            in: directory)
        try """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=IP:127.0.0.1,DNS:localhost
            authorityKeyIdentifier=keyid
            subjectKeyIdentifier=hash
            """.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try openssl(
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
             "-days", "2", "-extfile", "server.ext"], in: directory)
        caCertificate = directory + "/ca.pem"
        serverCertificate = directory + "/server.pem"
        serverKey = directory + "/server.key"
    }
}

/// A stand-in for GitHub Actions' OIDC issuer: an RSA key (made with openssl) and its
/// JWKS, in the directory the ID-token endpoint (``IDTokenEndpoint``) signs from. A test
/// says what the next jobs' ID tokens claim (``prepare(_:)``); the endpoint signs them
/// when a client asks, with the audience the client asks for.
struct TestIDTokenIssuer {
    static let issuer = "https://token.actions.githubusercontent.com"
    let directory: String
    let kid = "upload-server-test-key"

    init(in directory: String) throws {
        self.directory = directory
        try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "issuer.key"], in: directory)
        let modulusLine = try openssl(["rsa", "-in", "issuer.key", "-noout", "-modulus"], in: directory)
        let hex = modulusLine.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "Modulus=", with: "")
        var modulus = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            modulus.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        let jwk: [String: Any] = ["kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": base64URL(modulus), "e": "AQAB"]
        try JSONSerialization.data(withJSONObject: ["keys": [jwk]]).write(to: URL(fileURLWithPath: directory + "/jwks"))
    }

    /// GitHub's claims for a job of `owner/repo`'s `workflow` on main, but those the endpoint
    /// sets when it signs: `aud` (asked for), and unless given here `iat`, `nbf`, `exp`
    /// (`iat` + `lifetime`) and `jti` (new each time).
    static func claims(
        repository: String = "octo-org/tp-pkg", ownerID: String = "4242", workflow: String = "release.yml",
        environment: String? = "release", issuedAt: Int64? = nil, lifetime: Int64 = 300, jti: String? = nil
    ) -> [String: Any] {
        let owner = String(repository.split(separator: "/")[0])
        let ref = "refs/heads/main"
        var claims: [String: Any] = [
            "iss": issuer, "lifetime": lifetime,
            "sub": "repo:\(repository):environment:\(environment ?? "none")", "repository": repository, "repository_owner": owner,
            "repository_owner_id": ownerID, "repository_id": "77", "ref": ref, "sha": "0123456789abcdef0123456789abcdef01234567",
            "job_workflow_ref": "\(repository)/.github/workflows/\(workflow)@\(ref)",
            "workflow_ref": "\(repository)/.github/workflows/\(workflow)@\(ref)", "run_id": "1", "run_attempt": "1",
            "actor": "octocat", "event_name": "push", "ref_type": "branch",
        ]
        if let environment { claims["environment"] = environment }
        if let issuedAt { claims["iat"] = issuedAt }
        if let jti { claims["jti"] = jti }
        return claims
    }

    /// The endpoint signs these claims for the next jobs.
    func prepare(_ claims: [String: Any]) throws {
        try JSONSerialization.data(withJSONObject: claims).write(to: URL(fileURLWithPath: directory + "/claims.json"))
    }

    /// The ID tokens the endpoint has signed, in order.
    var issued: [String] {
        ((try? String(contentsOfFile: directory + "/issued", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The payload of a JWT, as JSON.
    static func payload(of jwt: String) -> [String: Any] {
        let parts = jwt.split(separator: ".")
        guard parts.count == 3 else { return [:] }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

/// A secret-scanning reporter signing as GitHub does: a P-256 key (made with openssl)
/// published in GitHub's `public_keys` shape, and reports signed with ECDSA/SHA-256 (DER, base64).
struct TestLeakReporter {
    let directory: String
    let keyID = "upload-server-test-reporter"

    init(in directory: String) throws {
        self.directory = directory
        try openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "reporter.key"], in: directory)
        try openssl(["ec", "-in", "reporter.key", "-pubout", "-out", "reporter.pub"], in: directory)
        let pem = try String(contentsOfFile: directory + "/reporter.pub", encoding: .utf8)
        let keys = ["public_keys": [["key_identifier": keyID, "key": pem, "is_current": true] as [String: Any]]]
        try JSONSerialization.data(withJSONObject: keys).write(to: URL(fileURLWithPath: directory + "/leak-keys"))
    }

    /// A report of `token` found at `url`, and its signature header value.
    func report(token: String, url: String) throws -> (body: Data, signature: String) {
        let body = try JSONSerialization.data(withJSONObject: [["token": token, "type": "pypi_api_token", "url": url, "source": "content"]])
        try body.write(to: URL(fileURLWithPath: directory + "/report"))
        try openssl(["dgst", "-sha256", "-sign", "reporter.key", "-out", "report.sig", "report"], in: directory)
        return (body, try Data(contentsOf: URL(fileURLWithPath: directory + "/report.sig")).base64EncodedString())
    }
}

/// GitHub Actions' ID-token endpoint on a free loopback port (Scripts/id_token_endpoint.py,
/// run by the clients' Python): `/token` signs the issuer's prepared claims on each request
/// for the `audience` asked, when the request carries ``requestToken``; `/jwks` and
/// `/leak-keys` serve the issuer's and the leak reporter's keys.
final class IDTokenEndpoint: @unchecked Sendable {
    static let script = Programs.packageDirectory.appendingPathComponent("Tests/UploadServerTests/Scripts/id_token_endpoint.py").path
    /// What `ACTIONS_ID_TOKEN_REQUEST_TOKEN` must be.
    let requestToken = "test-request-token-" + UUID().uuidString
    let process = Process()
    let url: String

    init(issuer: TestIDTokenIssuer, python: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script, issuer.directory, requestToken, issuer.kid]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestFailure("the ID-token endpoint did not start")
        }
        url = "http://127.0.0.1:\(port)"
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
