import Macaroons
import Testing
@testable import MacaroonTokens

/// Issue 13.7: what the (unsigned) locations do and do not protect, and the
/// checks that rest on what the signature covers instead.
@Suite("Locations are hints; keys and signatures decide")
struct LocationTests {
    static let testSecret = [UInt8](repeating: 1, count: 32)
    static let prodSecret = [UInt8](repeating: 2, count: 32)

    /// `token` with its location replaced, as any holder can do without a key.
    static func relabelled(_ token: ServiceToken, as location: String) throws -> ServiceToken {
        let macaroon = token.macaroon
        return try ServiceToken(prefix: token.prefix, macaroon: Macaroon(
            location: ArraySlice(location.utf8), identifier: macaroon.identifier, caveats: macaroon.caveats, signature: macaroon.signature))
    }

    @Test("a relabelled token passes the location check: only separate key stores keep services apart")
    func relabelledLocation() async throws {
        let testToken = try ServiceToken(location: "test.pypi.org", identifier: "t-1", secret: Self.testSecret)
        let forged = try Self.relabelled(testToken, as: "pypi.org")
        let verifier = UploadTokenVerifier(location: "pypi.org")
        // The location is not signed: with the right key the relabelled token verifies.
        #expect(verifier.verify(forged, key: MacaroonKey(derivingFrom: Self.testSecret), request: UploadRequest()) == .allowed)
        // The honest mistake is caught.
        #expect(verifier.verify(testToken, key: MacaroonKey(derivingFrom: Self.testSecret), request: UploadRequest()).reasons.map(\.code)
            == [.wrongLocation])
        // What separates the services: pypi.org's store has no key for test.pypi.org's identifiers,
        // and a key of its own for the same identifier does not verify the test token.
        var production = InMemoryKeyStore()
        #expect(try await verifier.verify(token: forged.string, request: UploadRequest(), keys: production).reasons.map(\.code) == [.unknownIdentifier])
        production.store(secret: Self.prodSecret, forIdentifier: "t-1")
        #expect(try await verifier.verify(token: forged.string, request: UploadRequest(), keys: production).reasons.map(\.code) == [.invalidSignature])
    }

    @Test("relabelling a third-party caveat as trusted gains nothing: its discharge must still verify under the signed caveat key")
    func relabelledThirdParty() throws {
        let key = MacaroonKey(derivingFrom: Self.prodSecret)
        let root = Macaroon(key: key, identifier: "t-2".utf8)
            .addingThirdPartyCaveat(secret: "untrusted".utf8, identifier: "cid".utf8, location: "https://evil.example/".utf8)
        guard case .thirdParty(let cid, let vid, _) = root.caveats[0] else { Issue.record("no third-party caveat"); return }
        let relabelled = Macaroon(location: root.location, identifier: root.identifier,
                                  caveats: [.thirdParty(identifier: cid, verificationID: vid, location: ArraySlice("https://auth.example/".utf8))],
                                  signature: root.signature)
        let token = try ServiceToken(prefix: "pypi", macaroon: relabelled)
        let verifier = UploadTokenVerifier(trustedThirdPartyLocations: ["https://auth.example/"])
        // Without a discharge, or with one minted from another secret, the signature stage fails.
        #expect(verifier.verify(token, key: key, request: UploadRequest()).reasons.map(\.code) == [.invalidSignature])
        let wrong = Macaroon(key: MacaroonKey(derivingFrom: "auth's own".utf8), identifier: "cid".utf8).bound(to: relabelled)
        #expect(verifier.verify(token, key: key, request: UploadRequest(), discharges: [wrong]).reasons.map(\.code) == [.invalidSignature])
        // Only whoever knows the caveat secret can discharge it, and the discharge's caveats are still evaluated.
        let expired = Macaroon(key: MacaroonKey(derivingFrom: "untrusted".utf8), identifier: "cid".utf8)
            .addingFirstPartyCaveat(try ExpirationCaveat(expiresAt: 10, notBefore: 0).encoded).bound(to: relabelled)
        #expect(verifier.verify(token, key: key, request: UploadRequest(now: 20), discharges: [expired]).reasons.map(\.code) == [.caveatNotSatisfied])
    }

    @Test("verify(_:key:) checks the token's prefix as parsing does")
    func prefixOfParsedTokens() throws {
        let secret = Self.testSecret
        let token = try ServiceToken(prefix: "testpypi", location: "test.pypi.org", identifier: "t-3", secret: secret)
        let verdict = UploadTokenVerifier(prefix: "pypi").verify(token, key: MacaroonKey(derivingFrom: secret), request: UploadRequest())
        #expect(verdict.reasons.map(\.code) == [.malformedToken])
        #expect(verdict.reasons.first?.message.contains("'testpypi'") == true)
        #expect(UploadTokenVerifier(prefix: "testpypi").verify(token, key: MacaroonKey(derivingFrom: secret), request: UploadRequest()) == .allowed)
    }
}
