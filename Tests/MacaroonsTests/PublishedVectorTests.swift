import Testing
@testable import Macaroons
@testable import _MacaroonInternals

/// The examples of libmacaroons' README.
@Suite("libmacaroons published vectors")
struct PublishedVectorTests {
    static let key = MacaroonKey(derivingFrom: "this is the key".utf8)
    static let root = Macaroon(key: key, identifier: "keyid".utf8, location: "http://example.org/".utf8)
    static let withCaveat = root.addingFirstPartyCaveat("account = 3735928559".utf8)

    @Test func mintedSignatureAndV2() throws {
        #expect(Self.root.signature.hexString == "7cdee792511c5bc6f528485805dfe9b24e785e28e2a99301f9d711c609e38ef7")
        #expect(try Self.root.encodedString(as: .v2) == "AgETaHR0cDovL2V4YW1wbGUub3JnLwIFa2V5aWQAAAYgfN7nklEcW8b1KEhYBd_psk54XijiqZMB-dcRxgnjjvc")
    }

    @Test func firstPartyCaveatInEveryFormat() throws {
        #expect(Self.withCaveat.signature.hexString == "f54807f6dc6edf88bf0f7306b3822562a362533dbf7339ba61765da4bd259d87")
        let v1 = "MDAyMWxvY2F0aW9uIGh0dHA6Ly9leGFtcGxlLm9yZy8KMDAxNWlkZW50aWZpZXIga2V5aWQKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDJmc2lnbmF0dXJlIPVIB_bcbt-Ivw9zBrOCJWKjYlM9v3M5umF2XaS9JZ2HCg"
        let json = #"{"v":2,"l":"http://example.org/","i":"keyid","c":[{"i":"account = 3735928559"}],"s64":"9UgH9txu34i_D3MGs4IlYqNiUz2_czm6YXZdpL0lnYc"}"#
        #expect(try Self.withCaveat.encodedString(as: .v1) == v1)
        #expect(try Self.withCaveat.encodedString(as: .v2JSON) == json)
        for text in [v1, json] {
            let decoded = try Macaroon(decoding: text.utf8)
            #expect(decoded.sameParts(as: Self.withCaveat))
            #expect(MacaroonVerifier(predicates: [.exact("account = 3735928559")]).verify(decoded, key: Self.key) == .allowed)
        }
    }

    @Test func verificationNeedsThePredicate() {
        let verdict = MacaroonVerifier(predicates: [.exact("account = 1")]).verify(Self.withCaveat, key: Self.key)
        #expect(verdict.reasons.map(\.code) == [.caveatNotSatisfied])
    }

    /// The libmacaroons README's third-party example, with an all-zero nonce.
    @Test func thirdPartyReadmeExample() throws {
        let key = MacaroonKey(derivingFrom: "this is a different super-secret key; never use the same secret twice".utf8)
        let first = Macaroon(key: key, identifier: "we used our other secret key".utf8, location: "http://mybank/".utf8)
            .addingFirstPartyCaveat("account = 3735928559".utf8)
        #expect(first.signature.hexString == "1434e674ad84fdfdc9bc1aa00785325c8b6d57341fc7ce200ba4680c80786dda")
        let caveatSecret = Array("4; guaranteed random by a fair toss of the dice".utf8)
        let caveatID = Array("this was how we remind auth of key/pred".utf8)
        let root = first.addingThirdPartyCaveat(
            secret: caveatSecret, identifier: caveatID, location: "http://auth.mybank/".utf8,
            nonce: Array(repeating: 0, count: 24))
        guard case .thirdParty(_, let vid, _)? = root.caveats.last else {
            Issue.record("expected a third-party caveat")
            return
        }
        #expect(Base64.encode(vid) == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA027FAuBYhtHwJ58FX6UlVNFtFsGxQHS7uD_w_dedwv4Jjw7UorCREw5rXbRqIKhr")
        #expect(root.signature.hexString == "d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c")

        let discharge = Macaroon(key: MacaroonKey(derivingFrom: caveatSecret), identifier: caveatID, location: "http://auth.mybank/".utf8)
            .addingFirstPartyCaveat("time < 2020-01-01T00:00".utf8)
        #expect(discharge.signature.hexString == "2ed1049876e9d5840950274b579b0770317df54d338d9d3039c7c67d0d91d63c")
        let bound = discharge.bound(to: root)
        #expect(bound.signature.hexString == "d115ef1c133b1126978d5ab27f69d99ba9d0468cd6c1b7e47b8c1c59019cb019")

        let verifier = MacaroonVerifier(predicates: [.exact("account = 3735928559"), .exact("time < 2020-01-01T00:00")])
        #expect(verifier.verify(root, key: key, discharges: [bound]) == .allowed)
    }
}
