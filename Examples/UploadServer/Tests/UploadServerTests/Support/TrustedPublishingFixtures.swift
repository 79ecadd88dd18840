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

/// A stand-in for GitHub Actions' OIDC issuer: an RSA key (made with openssl), its
/// JWKS, and ID tokens with GitHub's claims signed with it (RS256), each written to the
/// `token` file the ID-token endpoint serves as `{"value": "<JWT>"}`.
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

    /// GitHub's claims for a job of `owner/repo`'s `workflow` on main.
    static func claims(
        repository: String = "octo-org/tp-pkg", ownerID: String = "4242", workflow: String = "release.yml",
        environment: String? = "release", issuedAt: Int64 = Int64(Date().timeIntervalSince1970), lifetime: Int64 = 300
    ) -> [String: Any] {
        let owner = String(repository.split(separator: "/")[0])
        let ref = "refs/heads/main"
        var claims: [String: Any] = [
            "iss": issuer, "aud": "pypi", "jti": UUID().uuidString, "iat": issuedAt, "nbf": issuedAt, "exp": issuedAt + lifetime,
            "sub": "repo:\(repository):environment:\(environment ?? "none")", "repository": repository, "repository_owner": owner,
            "repository_owner_id": ownerID, "repository_id": "77", "ref": ref, "sha": "0123456789abcdef0123456789abcdef01234567",
            "job_workflow_ref": "\(repository)/.github/workflows/\(workflow)@\(ref)",
            "workflow_ref": "\(repository)/.github/workflows/\(workflow)@\(ref)", "run_id": "1", "run_attempt": "1",
            "actor": "octocat", "event_name": "push", "ref_type": "branch",
        ]
        if let environment { claims["environment"] = environment }
        return claims
    }

    /// Signs `claims` and makes the endpoint hand the token out; returns it.
    @discardableResult
    func issue(_ claims: [String: Any]) throws -> String {
        let header = base64URL(try JSONSerialization.data(withJSONObject: ["alg": "RS256", "typ": "JWT", "kid": kid]))
        let payload = base64URL(try JSONSerialization.data(withJSONObject: claims))
        let input = header + "." + payload
        try input.write(toFile: directory + "/signing-input", atomically: true, encoding: .utf8)
        try openssl(["dgst", "-sha256", "-sign", "issuer.key", "-out", "signature", "signing-input"], in: directory)
        let jwt = input + "." + base64URL(try Data(contentsOf: URL(fileURLWithPath: directory + "/signature")))
        try JSONSerialization.data(withJSONObject: ["value": jwt]).write(to: URL(fileURLWithPath: directory + "/token"))
        return jwt
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

/// A static file server on a free loopback port (Python's http.server, from the clients' venv):
/// the ID-token endpoint (`/token`), the issuer's keys (`/jwks`) and the reporter's keys (`/leak-keys`).
final class StaticFileServer: @unchecked Sendable {
    let process = Process()
    let url: String

    init(directory: String, python: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            "-c",
            """
            import functools, http.server, sys
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *args): pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """,
            directory,
        ]
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
            throw TestFailure("the static file server did not start")
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
