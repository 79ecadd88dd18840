#if TrustedPublishing
import CryptoExtras
import Foundation
import MacaroonFetchTestSupport
import MacaroonTrustedPublishing
import Testing

@Suite struct IDTokenVerifierTests {
    let issuer = TestIssuer.shared
    let now: Int64 = 1_800_000_000
    let github = OIDCIssuer.gitHubActions(jwksURL: TestIssuer.jwksURL)

    func verifier(_ fetcher: MemoryFetcher, floor: Int64 = 60) -> IDTokenVerifier {
        IDTokenVerifier(audience: "pypi", keySets: IssuerKeySets(fetcher: fetcher, policy: .init(refreshFloor: floor)))
    }

    func fetcher() -> MemoryFetcher { MemoryFetcher([TestIssuer.jwksURL: issuer.jwks]) }

    @Test func aValidTokenVerifiesAndKeepsItsStringClaims() async throws {
        let jwt = try await issuer.sign(TestIssuer.claims(now: now))
        let claims = try await verifier(fetcher()).verify(jwt, issuer: github, now: now).get()
        #expect(claims.issuer == OIDCIssuer.gitHubActionsURL)
        #expect(claims.audience == "pypi")
        #expect(claims["repository"] == "octo-org/sampleproject")
        #expect(claims.expires == now + 300)
        #expect(verifier(fetcher()).unverifiedIssuer(of: jwt) == OIDCIssuer.gitHubActionsURL)
    }

    @Test(arguments: [
        ("wrong audience", "aud", ClaimValue.string("testpypi")),
        ("audience list", "aud", ClaimValue.strings(["pypi"])),
        ("wrong issuer", "iss", ClaimValue.string("https://token.actions.example")),
        ("expired beyond the leeway", "exp", ClaimValue.int(1_800_000_000 - 30)),
        ("issued in the future", "iat", ClaimValue.int(1_800_000_000 + 31)),
        ("not yet valid", "nbf", ClaimValue.int(1_800_000_000 + 31)),
        ("exp not a number", "exp", ClaimValue.string("soon")),
    ])
    func refusedClaims(_ label: String, _ name: String, _ value: ClaimValue) async throws {
        var claims = TestIssuer.claims(now: now)
        claims[name] = value
        let result = await verifier(fetcher()).verify(try await issuer.sign(claims), issuer: github, now: now)
        #expect(throws: IDTokenError.self, "\(label)") { try result.get() }
    }

    @Test(arguments: ["iss", "aud", "exp", "iat"])
    func requiredClaims(_ name: String) async throws {
        var claims = TestIssuer.claims(now: now)
        claims[name] = nil
        let result = await verifier(fetcher()).verify(try await issuer.sign(claims), issuer: github, now: now)
        #expect(throws: IDTokenError.self) { try result.get() }
    }

    @Test func timesAreCheckedWithTheLeeway() async throws {
        var claims = TestIssuer.claims(now: now)
        claims["exp"] = .int(now - 29)
        claims["iat"] = .int(now + 30)
        claims["nbf"] = .int(now + 30)
        let result = await verifier(fetcher()).verify(try await issuer.sign(claims), issuer: github, now: now)
        #expect(throws: Never.self) { try result.get() }
    }

    @Test func tamperedPayloadOrForeignKeyOrOtherAlgorithmIsRefused() async throws {
        let jwt = try await issuer.sign(TestIssuer.claims(now: now))
        let parts = jwt.split(separator: ".").map(String.init)
        var payload = try JSONSerialization.jsonObject(with: IDTokenVerifierTests.decode(parts[1])) as! [String: Any]
        payload["repository"] = "evil/sampleproject"
        let forged = parts[0] + "." + TestIssuer.base64URL(try JSONSerialization.data(withJSONObject: payload)) + "." + parts[2]
        let fetcher = fetcher()
        await #expect(throws: IDTokenError.self) { try await verifier(fetcher).verify(forged, issuer: github, now: now).get() }
        // Signed by another key under the same kid.
        let other = TestIssuer(kid: issuer.kid)
        let foreign = try await other.sign(TestIssuer.claims(now: now))
        await #expect(throws: IDTokenError.self) { try await verifier(fetcher).verify(foreign, issuer: github, now: now).get() }
        // alg none / HS256 headers.
        for alg in ["none", "HS256", "RS512"] {
            let header = TestIssuer.base64URL(try JSONSerialization.data(withJSONObject: ["alg": alg, "kid": issuer.kid, "typ": "JWT"]))
            let token = header + "." + parts[1] + "." + parts[2]
            await #expect(throws: IDTokenError.self) { try await verifier(fetcher).verify(token, issuer: github, now: now).get() }
        }
        for garbage in ["", "a.b", "a.b.c.d", String(repeating: "x", count: 20_000), "e30.e30.", "!!!.###.$$$"] {
            await #expect(throws: IDTokenError.self) { try await verifier(fetcher).verify(garbage, issuer: github, now: now).get() }
        }
    }

    @Test func aDuplicatedAlgCannotMakeAKeyWithoutAlgVerifyAnotherAlgorithm() async throws {
        // The JWK has no `alg`. Our header parser reads the last `alg` (RS256), jwt-kit's the
        // first (PS256): a PSS signature must not verify, nor pin the key to PS256 for later tokens.
        let fetcher = MemoryFetcher([TestIssuer.jwksURL: TestIssuer.jwks([TestIssuer.jwk(of: issuer.rsa, kid: issuer.kid, ["alg": nil])])])
        let verifier = verifier(fetcher)
        let pss = try issuer.sign(
            header: #"{"alg":"PS256","alg":"RS256","kid":"\#(issuer.kid)"}"#, TestIssuer.claims(now: now), pss: true)
        await #expect(throws: IDTokenError.self) { try await verifier.verify(pss, issuer: github, now: now).get() }
        let good = try await issuer.sign(TestIssuer.claims(now: now))
        await #expect(throws: Never.self) { try await verifier.verify(good, issuer: github, now: now).get() }
    }

    @Test func aCritHeaderIsRefused() async throws {
        let verifier = verifier(fetcher())
        let plain = try issuer.sign(header: #"{"alg":"RS256","kid":"\#(issuer.kid)"}"#, TestIssuer.claims(now: now))
        await #expect(throws: Never.self) { try await verifier.verify(plain, issuer: github, now: now).get() }
        let critical = try issuer.sign(
            header: #"{"alg":"RS256","kid":"\#(issuer.kid)","crit":["x-must-understand"],"x-must-understand":1}"#,
            TestIssuer.claims(now: now))
        await #expect(throws: IDTokenError.self) { try await verifier.verify(critical, issuer: github, now: now).get() }
    }

    @Test func oddKeysInTheSetAreSkippedAndTheGoodOnesStillVerify() async throws {
        let other = TestIssuer(kid: "rs512-key")
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        let fetcher = MemoryFetcher([
            TestIssuer.jwksURL: TestIssuer.jwks([
                ["kty": "EC", "crv": "P-256", "kid": "ec", "x": "AA", "y": "AA"],
                ["kty": "oct", "kid": "hmac", "k": "c2VjcmV0"],
                ["kty": "RSA", "kid": 5, "n": "AA", "e": "AQAB"],
                ["kty": "RSA", "kid": "enc", "alg": "RSA-OAEP", "use": "enc", "n": "AA", "e": "AQAB"],
                TestIssuer.jwk(of: other.rsa, kid: "rs512-key", ["alg": "RS512"]),
                TestIssuer.jwk(of: small, kid: "small"),
                TestIssuer.jwk(of: issuer.rsa, kid: issuer.kid),
            ])
        ])
        let verifier = verifier(fetcher)
        let good = try await issuer.sign(TestIssuer.claims(now: now))
        await #expect(throws: Never.self) { try await verifier.verify(good, issuer: github, now: now).get() }
        // A key published for RS512 does not verify RS256 tokens.
        let rs512 = try await other.sign(TestIssuer.claims(now: now))
        await #expect(throws: IDTokenError.self) { try await verifier.verify(rs512, issuer: github, now: now).get() }
    }

    @Test func unknownKeyIdsRefreshTheKeysAtMostOncePerFloor() async throws {
        let fetcher = fetcher()
        let verifier = verifier(fetcher)
        let good = try await issuer.sign(TestIssuer.claims(now: now))
        _ = try await verifier.verify(good, issuer: github, now: now).get()
        #expect(fetcher.count(TestIssuer.jwksURL) == 1)
        _ = try await verifier.verify(good, issuer: github, now: now + 1).get()
        #expect(fetcher.count(TestIssuer.jwksURL) == 1)
        // A made-up kid: one refresh, then none within the floor.
        let unknown = try await issuer.sign(TestIssuer.claims(now: now), kid: "made-up")
        await #expect(throws: IDTokenError.self) { try await verifier.verify(unknown, issuer: github, now: now + 61).get() }
        #expect(fetcher.count(TestIssuer.jwksURL) == 2)
        for offset in 62..<72 {
            await #expect(throws: IDTokenError.self) { try await verifier.verify(unknown, issuer: github, now: now + Int64(offset)).get() }
        }
        #expect(fetcher.count(TestIssuer.jwksURL) == 2)
        // The issuer rotates: the new kid is found on the next refresh after the floor.
        let rotated = TestIssuer(kid: "test-key-2")
        fetcher.set(TestIssuer.jwksURL, rotated.jwks)
        let next = try await rotated.sign(TestIssuer.claims(now: now + 200))
        await #expect(throws: Never.self) { try await verifier.verify(next, issuer: github, now: now + 200).get() }
        #expect(fetcher.count(TestIssuer.jwksURL) == 3)
    }

    @Test func concurrentUnknownKeyIdsShareOneFetch() async throws {
        let fetcher = fetcher()
        let verifier = verifier(fetcher)
        let jwt = try await issuer.sign(TestIssuer.claims(now: now))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask { _ = try await verifier.verify(jwt, issuer: github, now: now).get() }
            }
            try await group.waitForAll()
        }
        #expect(fetcher.count(TestIssuer.jwksURL) == 1)
    }

    @Test func keysAreDiscoveredFromTheOpenIDConfiguration() async throws {
        let discovered = OIDCIssuer.gitHubActions()
        let fetcher = MemoryFetcher([
            OIDCIssuer.gitHubActionsURL + "/.well-known/openid-configuration":
                Array(#"{"issuer":"https://token.actions.githubusercontent.com","jwks_uri":"http://127.0.0.1:1/discovered"}"#.utf8),
            "http://127.0.0.1:1/discovered": issuer.jwks,
        ])
        let jwt = try await issuer.sign(TestIssuer.claims(now: now))
        await #expect(throws: Never.self) { try await verifier(fetcher).verify(jwt, issuer: discovered, now: now).get() }
        #expect(fetcher.count("http://127.0.0.1:1/discovered") == 1)
    }

    @Test func aFailedFetchKeepsTheCachedKeys() async throws {
        let fetcher = fetcher()
        let verifier = IDTokenVerifier(
            audience: "pypi", keySets: IssuerKeySets(fetcher: fetcher, policy: .init(refreshFloor: 1, maxAge: 10)))
        let jwt = try await issuer.sign(TestIssuer.claims(now: now, lifetime: 3600))
        _ = try await verifier.verify(jwt, issuer: github, now: now).get()
        fetcher.set(TestIssuer.jwksURL, nil)
        // Stale after maxAge: the refetch fails, the cached key still verifies.
        await #expect(throws: Never.self) { try await verifier.verify(jwt, issuer: github, now: now + 20).get() }
        #expect(fetcher.count(TestIssuer.jwksURL) == 2)
    }

    static func decode(_ text: String) -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)!
    }
}
#endif
