#if TrustedPublishing
import Foundation
import MacaroonFetchTestSupport
import Macaroons
import MacaroonTokens
import MacaroonTrustedPublishing
import Testing

/// Publishers in memory.
struct MemoryDirectory: TrustedPublisherDirectory {
    var publishers: [GitHubPublisher]

    func gitHubPublishers(repositoryOwner: String, repositoryName: String) async -> [GitHubPublisher] {
        publishers.filter { $0.repositoryOwner.lowercased() == repositoryOwner.lowercased() }
    }
}

/// Publishers' projects for verifying minted tokens.
struct PublisherProjects: TokenOwnerPolicy {
    let publishers: [GitHubPublisher]

    func status(of owner: TokenOwner) async -> TokenOwnerStatus {
        .active(projectIDs: Set(publishers.first { $0.id == owner.id }?.projectIDs ?? []))
    }
}

@Suite struct TrustedPublishingExchangeTests {
    let issuer = TestIssuer.shared
    let now: Int64 = 1_800_000_000
    let publisher = GitHubPublisher(
        id: "pub-1", repositoryOwner: "octo-org", repositoryName: "sampleproject", repositoryOwnerID: "4242",
        workflowFilename: "release.yml", environment: "release", projectIDs: ["p-1", "p-2"])

    func exchange(store: InMemoryTokenStore = InMemoryTokenStore(), clock: Int64? = nil) -> TrustedPublishingExchange {
        let keySets = IssuerKeySets(fetcher: MemoryFetcher([TestIssuer.jwksURL: issuer.jwks]))
        let now = clock ?? self.now
        return TrustedPublishingExchange(
            verifier: IDTokenVerifier(audience: "pypi", keySets: keySets),
            issuers: [.gitHubActions(jwksURL: TestIssuer.jwksURL)], directory: MemoryDirectory(publishers: [publisher]),
            store: store, location: "pypi.org", clock: { now })
    }

    func body(_ jwt: String) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: ["token": jwt]))
    }

    static func json(_ response: ExchangeResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    @Test func audience() {
        let response = exchange().audienceResponse()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"audience":"pypi"}"#)
    }

    @Test func mintsWhatWarehouseMints() async throws {
        let store = InMemoryTokenStore()
        let jwt = try await issuer.sign(TestIssuer.claims(environment: "Release", now: now, jti: "jti-1"))
        let response = try await exchange(store: store).mintToken(body: body(jwt))
        #expect(response.status == 200)
        let json = Self.json(response)
        #expect(json["success"] as? Bool == true)
        #expect(json["expires"] as? Int == Int(now + 900))
        let text = try #require(json["token"] as? String)
        let token = try ServiceToken(parsing: text, expectedPrefix: "pypi")
        let identifier = try #require(token.identifier)
        let record = try #require(try await store.token(id: identifier))
        #expect(record.owner == .trustedPublisher(id: "pub-1"))
        #expect(record.expires == now + 900)
        let expected: [[UInt8]] = [
            try TrustedPublisherCaveat(publisherID: "pub-1").encoded,
            Array(#"[2,["p-1","p-2"]]"#.utf8),
            Array("[0,\(now + 900),\(now)]".utf8),
        ]
        #expect(record.caveats == expected)
        let caveats = token.macaroon.caveats.compactMap { caveat -> [UInt8]? in
            if case .firstParty(let identifier) = caveat { return Array(identifier) }
            return nil
        }
        #expect(caveats == expected)
        let additional = try #require(record.additional)
        let oidc = try #require((try JSONSerialization.jsonObject(with: Data(additional.utf8)) as? [String: Any])?["oidc"] as? [String: Any])
        #expect(oidc["repository"] as? String == "octo-org/sampleproject")
        #expect(oidc["environment"] as? String == "Release")
        #expect(oidc["jti"] as? String == "jti-1")
        #expect(oidc["sha"] as? String == "0123456789abcdef0123456789abcdef01234567")
        // The token uploads to the publisher's projects, and nowhere else, until it expires.
        let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
        let owners = PublisherProjects(publishers: [publisher])
        for (project, at, allowed) in [("p-1", now + 1, true), ("p-2", now + 899, true), ("p-3", now + 1, false), ("p-1", now + 900, false)] {
            let request = UploadRequest(project: .init(name: "sampleproject", id: project), now: at)
            let verdict = try await verifier.verify(token: text, request: request, store: store, owners: owners)
            #expect(verdict.isAllowed == allowed, "\(project) at +\(at - now)")
        }
    }

    @Test func aReplayedTokenIsRefusedEvenConcurrently() async throws {
        let store = InMemoryTokenStore()
        let exchange = exchange(store: store)
        let jwt = try await issuer.sign(TestIssuer.claims(environment: "release", now: now))
        let statuses = try await withThrowingTaskGroup(of: ExchangeResponse.self) { group in
            for _ in 0..<8 { group.addTask { try await exchange.mintToken(body: body(jwt)) } }
            return try await group.reduce(into: [ExchangeResponse]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0.status == 200 }.count == 1)
        let refused = statuses.filter { $0.status == 422 }
        #expect(refused.count == 7)
        #expect(refused.allSatisfy { $0.errors == [ExchangeError(code: "invalid-reuse-token", description: "invalid token: already used")] })
        #expect(try await store.tokens(ownedBy: .trustedPublisher(id: "pub-1")).count == 1)
    }

    @Test func refusalsHaveWarehouseShapeAndMessages() async throws {
        let other = try await issuer.sign(TestIssuer.claims(repo: "other", environment: "release", now: now))
        let otherWorkflow = try await issuer.sign(TestIssuer.claims(workflow: "ci.yml", environment: "release", now: now))
        let otherEnvironment = try await issuer.sign(TestIssuer.claims(environment: "staging", now: now))
        let expired = try await issuer.sign(TestIssuer.claims(environment: "release", now: now - 400))
        var foreignClaims = TestIssuer.claims(environment: "release", now: now)
        foreignClaims["iss"] = .string("https://issuer.example")
        let foreign = try await issuer.sign(foreignClaims)
        let noPublisher = "valid token, but no corresponding publisher (Publisher with matching claims was not found)"
        let cases: [([UInt8], String, String)] = [
            (Array("not json".utf8), "invalid-payload", "the body must be a JSON object {\"token\": \"<OIDC token>\"}"),
            (Array(#"{"token": 5}"#.utf8), "invalid-payload", "the body must be a JSON object {\"token\": \"<OIDC token>\"}"),
            (body("not-a-jwt"), "invalid-payload", "malformed JWT"),
            (body(foreign), "invalid-payload", "unknown trusted publishing issuer"),
            (body(expired), "invalid-token", "malformed or invalid token"),
            (body(other), "invalid-publisher", noPublisher),
            (body(otherWorkflow), "invalid-publisher", noPublisher),
            (body(otherEnvironment), "invalid-publisher", noPublisher),
        ]
        let store = InMemoryTokenStore()
        for (request, code, description) in cases {
            let response = try await exchange(store: store).mintToken(body: request)
            #expect(response.status == 422)
            let json = Self.json(response)
            #expect(json["message"] as? String == "Token request failed")
            let errors = json["errors"] as? [[String: String]]
            #expect(errors == [["code": code, "description": description]], "\(description)")
        }
        #expect(try await store.tokens(ownedBy: .trustedPublisher(id: "pub-1")).isEmpty)
        // The exact reason is for the log, not the client.
        let refusal = try await exchange(store: store).mintToken(body: body(expired))
        #expect(refusal.logReason == "the token has expired")
        #expect(!String(decoding: refusal.body, as: UTF8.self).contains("expired"))
    }

    @Test func burnRevokesOnlyTheMintedTokenPresentedAsMinted() async throws {
        let store = InMemoryTokenStore()
        let exchange = exchange(store: store)
        let jwt = try await issuer.sign(TestIssuer.claims(environment: "release", now: now))
        let text = try #require(Self.json(try await exchange.mintToken(body: body(jwt)))["token"] as? String)
        // A restricted copy cannot burn it; nor a user's token; nor garbage.
        let restricted = try ServiceToken(parsing: text).restricted(by: try ProjectNamesCaveat(["sampleproject"])).string
        let user = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        // A made-up token carrying the user token's identifier: refused before its owner is looked at.
        let forged = try ServiceToken(prefix: "pypi", location: "pypi.org", identifier: user.info.id, secret: Array(repeating: 7, count: 32)).string
        for (token, description) in [
            (restricted, "unknown or revoked token"), (user.token, "only tokens minted by trusted publishing can be burned"),
            (forged, "unknown or revoked token"), ("pypi-garbage", "unknown or revoked token"),
        ] {
            let response = try await exchange.burnToken(body: body(token))
            #expect(response.status == 422)
            #expect(response.errors == [ExchangeError(code: "invalid-token", description: description)])
        }
        #expect(try await store.token(id: user.info.id) != nil)
        let burned = try await exchange.burnToken(body: body(text))
        #expect(burned.status == 200)
        #expect(String(decoding: burned.body, as: UTF8.self) == #"{"success":true}"#)
        #expect(try await store.tokens(ownedBy: .trustedPublisher(id: "pub-1")).isEmpty)
        #expect(try await exchange.burnToken(body: body(text)).status == 422)
    }
}

@Suite struct ReplayGuardTests {
    // Claiming once, and one winner among concurrent claimants: Tests/MacaroonTokensTests/InMemoryReplayGuardTests.swift.
    @Test func expiredClaimsAreForgotten() async throws {
        let store = InMemoryTokenStore()
        for index in 0..<5000 { _ = try await store.claimOnce("jti-\(index)", scope: "iss", until: Int64(index), now: Int64(index)) }
        // Every claim but the recent ones has expired; the store still refuses a live one.
        #expect(try await !store.claimOnce("jti-4999", scope: "iss", until: 6000, now: 4999))
        #expect(try await store.claimOnce("jti-0", scope: "iss", until: 6000, now: 4999))
    }
}
#endif
