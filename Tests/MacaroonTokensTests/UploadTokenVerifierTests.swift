import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

@Suite("The upload verifier: outcomes, third parties, the order around the core verifier")
struct UploadTokenVerifierTests {
    @Test("distinct outcomes: malformed, unknown identifier, bad signature, wrong location")
    func distinctOutcomes() async throws {
        let token = try #require(ServiceTokenTests.token)
        var store = InMemoryKeyStore()
        store.store(secret: ServiceTokenTests.secret, forIdentifier: "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b")
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let request = UploadRequest(now: 0)
        #expect(try await verifier.verify(token: "pypi-", request: request, keys: store).reasons.map(\.code) == [.malformedToken])
        #expect(try await verifier.verify(token: token.string, request: request, keys: InMemoryKeyStore()).reasons.map(\.code)
            == [.unknownIdentifier])
        var wrong = InMemoryKeyStore()
        wrong.store(secret: Array(repeating: 8, count: 32), forIdentifier: "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b")
        let bad = try await verifier.verify(token: token.string, request: request, keys: wrong)
        #expect(bad.reasons.map(\.message) == ["signatures do not match"])
        #expect(bad.reasons.map(\.code) == [.invalidSignature])
        #expect(bad.signatureError?.code == .signatureMismatch)
        let elsewhere = UploadTokenVerifier(location: "test.pypi.org")
        #expect(try await elsewhere.verify(token: token.string, request: request, keys: store).reasons.map(\.code) == [.wrongLocation])
    }

    @Test("third-party caveats fail upload tokens unless their location is trusted")
    func thirdParty() async throws {
        let root = try #require(ServiceTokenTests.token)
        let macaroon = root.macaroon.addingThirdPartyCaveat(secret: "2fa".utf8, identifier: "check 2fa".utf8, location: "https://auth.example/".utf8)
        let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
        let discharge = Macaroon(key: MacaroonKey(derivingFrom: "2fa".utf8), identifier: "check 2fa".utf8)
            .addingFirstPartyCaveat(try ExpirationCaveat(expiresAt: 100, notBefore: 0).encoded).bound(to: macaroon)
        let key = MacaroonKey(derivingFrom: ServiceTokenTests.secret)
        let request = UploadRequest(now: 50)
        let strict = UploadTokenVerifier()
        #expect(strict.verify(token, key: key, request: request, discharges: [discharge]).reasons.map(\.code) == [.thirdPartyCaveatNotAccepted])
        #expect(strict.verify(token, key: key, request: request).reasons.map(\.code) == [.invalidSignature])
        let trusting = UploadTokenVerifier(trustedThirdPartyLocations: ["https://auth.example/"])
        #expect(trusting.verify(token, key: key, request: request, discharges: [discharge]) == .allowed)
        // The discharge's own caveats are evaluated in the same language.
        #expect(trusting.verify(token, key: key, request: UploadRequest(now: 100), discharges: [discharge]).reasons.map(\.code)
            == [.caveatNotSatisfied])
    }
}

@Suite("The upload verifier's settings reach the core verifier")
struct UploadTokenVerifierSettingsTests {
    static let secret = Array(repeating: UInt8(4), count: 32)
    static let key = MacaroonKey(derivingFrom: secret)

    @Test("location, language and trusted third parties can be changed after init")
    func mutableSettings() throws {
        let token = try ServiceToken(location: "pypi.org", identifier: "id", secret: Self.secret,
                                     caveats: [ReleaseVersionCaveat(version: "1.0")])
        let request = UploadRequest(now: 0, attributes: ["version": "1.0"])
        var verifier = UploadTokenVerifier()
        #expect(verifier.verify(token, key: Self.key, request: request).reasons.map(\.code) == [.invalidCaveat])
        verifier.language = verifier.language.adding(ReleaseVersionCaveat.self)
        #expect(verifier.verify(token, key: Self.key, request: request) == .allowed)
        verifier.location = "test.pypi.org"
        #expect(verifier.verify(token, key: Self.key, request: request).reasons.map(\.code) == [.wrongLocation])
        verifier.location = "pypi.org"
        #expect(verifier.verify(token, key: Self.key, request: request) == .allowed)

        let thirdParty = try ServiceToken(prefix: "pypi", macaroon: token.macaroon.addingThirdPartyCaveat(
            secret: "s".utf8, identifier: "c".utf8, location: "https://auth/".utf8))
        let discharge = Macaroon(key: MacaroonKey(derivingFrom: "s".utf8), identifier: "c".utf8).bound(to: thirdParty.macaroon)
        #expect(verifier.verify(thirdParty, key: Self.key, request: request, discharges: [discharge]).reasons.map(\.code)
            == [.thirdPartyCaveatNotAccepted])
        verifier.trustedThirdPartyLocations = ["https://auth/"]
        #expect(verifier.verify(thirdParty, key: Self.key, request: request, discharges: [discharge]) == .allowed)
    }

    @Test("codes have stable names, and the core's codes are the same values")
    func codeNames() {
        let codes: [DenialReason.Code] = [.malformedToken, .unknownIdentifier, .invalidSignature, .wrongLocation,
                                          .thirdPartyCaveatNotAccepted, .invalidCaveat, .caveatNotSatisfied]
        #expect(codes.map(\.description) == ["malformedToken", "unknownIdentifier", "invalidSignature", "wrongLocation",
                                             "thirdPartyCaveatNotAccepted", "invalidCaveat", "caveatNotSatisfied"])
        #expect(Set(codes).count == codes.count)
    }
}
