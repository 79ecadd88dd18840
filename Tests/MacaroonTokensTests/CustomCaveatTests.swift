import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The custom caveat of the MacaroonTokens documentation: `[100,"1.2.0"]`.
struct ReleaseVersionCaveat: TaggedUploadCaveat {
    static let tag = 100
    let version: String

    init(version: String) { self.version = version }

    init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        version = try arguments.string(at: 0, named: "version")
    }

    var arguments: [CaveatArgument] { [.string(version)] }

    func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        request.attributes["version"] == version ? .satisfied : .notSatisfied("token is only valid for version \(version)")
    }

    var summary: String { "version: \(version)" }
}

@Suite("Server-defined caveats")
struct CustomCaveatTests {
    @Test func registeredCaveatIsEnforced() throws {
        let secret = Array(repeating: UInt8(9), count: 32)
        let token = try ServiceToken(location: "pypi.org", identifier: "id", secret: secret,
                                     caveats: [ReleaseVersionCaveat(version: "1.2.0"), try ProjectNamesCaveat(["foo"])])
        #expect(String(decoding: ReleaseVersionCaveat(version: "1.2.0").encoded, as: UTF8.self) == #"[100,"1.2.0"]"#)
        let key = MacaroonKey(derivingFrom: secret)
        let extended = UploadTokenVerifier(language: CaveatLanguage.pypi.adding(ReleaseVersionCaveat.self))
        #expect(CaveatLanguage.pypi.adding(ReleaseVersionCaveat.self).tags == [0, 1, 2, 3, 4, 100])
        let release = UploadRequest(project: .init(name: "foo"), now: 0, attributes: ["version": "1.2.0"])
        #expect(extended.verify(token, key: key, request: release) == .allowed)
        var other = release
        other.attributes["version"] = "1.3.0"
        #expect(extended.verify(token, key: key, request: other).reasons.map(\.message) == ["token is only valid for version 1.2.0"])
        // The standard language fails closed on the unknown tag.
        #expect(UploadTokenVerifier().verify(token, key: key, request: release).reasons.map(\.message)
            == [#"invalid caveat '[100,"1.2.0"]': caveat has unknown tag: 100"#])
        let malformed = Macaroon(key: key, identifier: "id".utf8).addingFirstPartyCaveat(#"[100,7]"#.utf8)
        #expect(extended.verify(try ServiceToken(prefix: "pypi", macaroon: malformed), key: key, request: release).reasons.map(\.code)
            == [.invalidCaveat])
    }
}
