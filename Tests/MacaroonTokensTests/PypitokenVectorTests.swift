import Testing
import Macaroons
@testable import MacaroonTokens

/// One request context of a pypitoken vector.
struct PypitokenContext: Sendable, CustomTestStringConvertible {
    let tokenCase: String
    let label: String
    let token: String
    let identifier: String
    let key: [UInt8]
    let request: UploadRequest
    /// What the restriction means (pypitoken's `expected_allowed`).
    let expectedAllowed: Bool
    let hasUser: Bool
    var testDescription: String { "\(tokenCase): \(label)" }

    static let all: [PypitokenContext] = PeerRecord.load("pypitoken.jsonl").flatMap { record in
        (record.contexts ?? []).map { context in
            PypitokenContext(
                tokenCase: record.case, label: context.label, token: record.token ?? "", identifier: record.identifier ?? "",
                key: hex(context.keyHex ?? record.rootKeyHex), request: context.context.uploadRequest,
                expectedAllowed: context.expectedAllowed, hasUser: context.context.userId != nil)
        }
    }
}

@Suite("Tokens minted and restricted by pypitoken")
struct PypitokenVectorTests {
    @Test func contextsArePresent() {
        #expect(PypitokenContext.all.count == 43)
    }

    /// Our verdict is what the restriction means (`expected_allowed`), with
    /// two deliberate divergences from pypitoken, documented in Specs/divergences.md,
    /// where we follow Warehouse: the legacy `{"version": 1, "permissions": "user"}`
    /// caveat requires a user (pypitoken lets any request through), and the
    /// request's project name is PEP 503 normalized before comparison (pypitoken
    /// compares it as given, so it denies project `FOO` for a token scoped to `foo`).
    @Test("verdicts match the restriction's meaning", arguments: PypitokenContext.all)
    func verdict(_ context: PypitokenContext) async throws {
        let token = try ServiceToken(parsing: context.token, expectedPrefix: "pypi")
        #expect(token.string == context.token)
        var keys = InMemoryKeyStore()
        keys.store(secret: context.key, forIdentifier: context.identifier)
        let verdict = try await UploadTokenVerifier().verify(token: context.token, request: context.request, keys: keys)
        if context.tokenCase == "pt_legacy" && !context.hasUser && context.expectedAllowed {
            #expect(verdict.reasons.map(\.message) == ["token with user restriction without a user"])
        } else if context.label == "project FOO (not normalized)" {
            #expect(verdict.isAllowed)
        } else {
            #expect(verdict.isAllowed == context.expectedAllowed, "\(verdict.reasons)")
        }
    }

    @Test("the legacy token passes once the request has a user")
    func legacyWithUser() async throws {
        let context = try #require(PypitokenContext.all.first { $0.tokenCase == "pt_legacy" && $0.label == "foo in window" })
        var keys = InMemoryKeyStore()
        keys.store(secret: context.key, forIdentifier: context.identifier)
        var request = context.request
        request.identity = .user(id: "anyone")
        #expect(try await UploadTokenVerifier().verify(token: context.token, request: request, keys: keys) == .allowed)
    }
}

@Suite("Attenuation never widens")
struct AttenuationPropertyTests {
    static let pool: [any TaggedUploadCaveat] = [
        try! ExpirationCaveat(expiresAt: 2_000, notBefore: 1_000), try! ExpirationCaveat(expiresAt: 1_500, notBefore: 500),
        try! ProjectNamesCaveat(["foo", "bar"]), try! ProjectNamesCaveat(["bar"]), try! ProjectIDsCaveat(["p1"]),
        try! ProjectIDsCaveat(["p1", "p2"]), try! RequestUserCaveat(userID: "u1"), try! TrustedPublisherCaveat(publisherID: "t1"),
    ]

    static func randomRequest(_ generator: inout SeededGenerator) -> UploadRequest {
        let project = [nil, UploadRequest.Project(name: "foo", id: "p1"), UploadRequest.Project(name: "Bar", id: "p2")]
            .randomElement(using: &generator) ?? nil
        let identity = [nil, UploadRequest.Identity.user(id: "u1"), .user(id: "u2"), .trustedPublisher(id: "t1", projectIDs: ["p1"])]
            .randomElement(using: &generator) ?? nil
        return UploadRequest(project: project, identity: identity, now: Int64.random(in: 0...2_500, using: &generator))
    }

    @Test("a restricted token never passes a request its parent fails; verdicts do not depend on caveat order")
    func neverWidens() throws {
        var generator = SeededGenerator(seed: 503)
        let secret = Array(repeating: UInt8(1), count: 32)
        let key = MacaroonKey(derivingFrom: secret)
        let verifier = UploadTokenVerifier()
        for _ in 0..<500 {
            let parentCaveats = (0..<Int.random(in: 0...3, using: &generator)).compactMap { _ in Self.pool.randomElement(using: &generator) }
            let extra = (0..<Int.random(in: 1...3, using: &generator)).compactMap { _ in Self.pool.randomElement(using: &generator) }
            let parent = try ServiceToken(location: "pypi.org", identifier: "id", secret: secret, caveats: parentCaveats)
            let child = parent.restricted(by: extra)
            let shuffled = try ServiceToken(location: "pypi.org", identifier: "id", secret: secret,
                                            caveats: (parentCaveats + extra).shuffled(using: &generator))
            let request = Self.randomRequest(&generator)
            let parentVerdict = verifier.verify(parent, key: key, request: request)
            let childVerdict = verifier.verify(child, key: key, request: request)
            if !parentVerdict.isAllowed { #expect(!childVerdict.isAllowed) }
            #expect(childVerdict.isAllowed == verifier.verify(shuffled, key: key, request: request).isAllowed)
            #expect(Set(childVerdict.reasons.map(\.message)) == Set(verifier.verify(shuffled, key: key, request: request).reasons.map(\.message)))
        }
    }
}
