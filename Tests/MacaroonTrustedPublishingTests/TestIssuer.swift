#if TrustedPublishing
import CryptoExtras
import Foundation
import JWTKit
import MacaroonTrustedPublishing

/// An OIDC issuer for tests: an RSA key, its JWKS, and signed GitHub-shaped ID tokens.
struct TestIssuer: Sendable {
    static let url = OIDCIssuer.gitHubActionsURL
    static let jwksURL = "http://127.0.0.1:1/jwks"
    let kid: String
    let rsa: _RSA.Signing.PrivateKey
    let key: JWTKit.Insecure.RSA.PrivateKey
    let jwks: [UInt8]

    /// One 2048-bit key, generated once per test process (key generation is slow in debug builds).
    static let shared: TestIssuer = TestIssuer(kid: "test-key-1")

    init(kid: String) {
        let privateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        self.kid = kid
        self.rsa = privateKey
        self.key = try! JWTKit.Insecure.RSA.PrivateKey(backing: privateKey)
        self.jwks = Array(try! JSONSerialization.data(withJSONObject: ["keys": [Self.jwk(of: privateKey, kid: kid)]]))
    }

    /// The public JWK of `key`, as GitHub publishes it (`alg` RS256, `use` sig), or with `fields` changed.
    static func jwk(of key: _RSA.Signing.PrivateKey, kid: String, _ fields: [String: Any?] = [:]) -> [String: Any] {
        let primitives = try! key.publicKey.getKeyPrimitives()
        var jwk: [String: Any] = [
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": base64URL(primitives.modulus), "e": base64URL(primitives.publicExponent),
        ]
        for (name, value) in fields { jwk[name] = value }
        return jwk
    }

    /// A JWKS of these entries.
    static func jwks(_ entries: [[String: Any]]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["keys": entries]))
    }

    /// A JWT with exactly this header text, the claims, and a signature by this key
    /// (RS256, or PS256 with `pss`), for headers jwt-kit would not write.
    func sign(header: String, _ claims: [String: ClaimValue], pss: Bool = false) throws -> String {
        let input = Self.base64URL(Data(header.utf8)) + "." + Self.base64URL(try JSONEncoder().encode(claims))
        let signature = try rsa.signature(for: Data(input.utf8), padding: pss ? .PSS : .insecurePKCS1v1_5)
        return input + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// GitHub Actions' claims for `owner/repo`'s `workflow` on `refs/heads/main`, issued at `now`.
    static func claims(
        owner: String = "octo-org", repo: String = "sampleproject", ownerID: String = "4242", workflow: String = "release.yml",
        environment: String? = nil, now: Int64, lifetime: Int64 = 300, audience: String = "pypi", jti: String = UUID().uuidString
    ) -> [String: ClaimValue] {
        var claims: [String: ClaimValue] = [
            "iss": .string(url), "aud": .string(audience), "iat": .int(now), "nbf": .int(now), "exp": .int(now + lifetime),
            "jti": .string(jti), "sub": .string("repo:\(owner)/\(repo):ref:refs/heads/main"),
            "repository": .string("\(owner)/\(repo)"), "repository_owner": .string(owner), "repository_owner_id": .string(ownerID),
            "repository_id": .string("99"), "ref": .string("refs/heads/main"), "sha": .string("0123456789abcdef0123456789abcdef01234567"),
            "job_workflow_ref": .string("\(owner)/\(repo)/.github/workflows/\(workflow)@refs/heads/main"),
            "workflow_ref": .string("\(owner)/\(repo)/.github/workflows/\(workflow)@refs/heads/main"),
            "run_id": .string("1"), "run_attempt": .string("1"), "actor": .string("octocat"),
        ]
        if let environment { claims["environment"] = .string(environment) }
        return claims
    }

    /// A signed JWT with these claims (header `alg` RS256 and this issuer's `kid`, unless `kid` says otherwise).
    func sign(_ claims: [String: ClaimValue], kid: String? = nil) async throws -> String {
        let headerKid = JWKIdentifier(string: kid ?? self.kid)
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: headerKid)
        return try await keys.sign(TestPayload(claims: claims), kid: headerKid)
    }
}

/// A claim value of a test token.
enum ClaimValue: Sendable, Encodable {
    case string(String)
    case int(Int64)
    case strings([String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        }
    }
}

struct TestPayload: JWTPayload {
    let claims: [String: ClaimValue]

    init(claims: [String: ClaimValue]) {
        self.claims = claims
    }

    init(from decoder: any Decoder) throws {
        claims = [:]
    }

    func encode(to encoder: any Encoder) throws {
        try claims.encode(to: encoder)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

#endif
