import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

@Suite("Service tokens: minting, parsing, leak pattern")
struct ServiceTokenTests {
    static let secret = Array(repeating: UInt8(7), count: 32)
    static let token = (try? ServiceToken(location: "pypi.org", identifier: "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b", secret: secret))

    @Test("minted caveats are exactly Warehouse's bytes")
    func warehouseBytes() throws {
        #expect(String(decoding: try ExpirationCaveat(expiresAt: 50, notBefore: 10).encoded, as: UTF8.self) == "[0,50,10]")
        #expect(String(decoding: try ProjectNamesCaveat(["foo", "bar"]).encoded, as: UTF8.self) == #"[1,["foo","bar"]]"#)
        #expect(String(decoding: try ProjectIDsCaveat(["123uuid", "456uuid"]).encoded, as: UTF8.self) == #"[2,["123uuid","456uuid"]]"#)
        #expect(String(decoding: try RequestUserCaveat(userID: "a uuid").encoded, as: UTF8.self) == #"[3,"a uuid"]"#)
        // Warehouse: json.dumps((4,) + astuple(OIDCPublisher(oidc_publisher_id="p")), sort_keys=True, separators=(",", ":")).
        #expect(String(decoding: try TrustedPublisherCaveat(publisherID: "p").encoded, as: UTF8.self) == #"[4,"p",null]"#)
        // json.dumps escapes everything outside printable ASCII (ensure_ascii), with surrogate pairs beyond U+FFFF.
        #expect(String(decoding: try RequestUserCaveat(userID: "\u{E9}\u{1F600}\u{7F}\u{8}\t").encoded, as: UTF8.self)
            == #"[3,"\u00e9\ud83d\ude00\u007f\b\t"]"#)
        #expect(try ProjectNamesCaveat(["Foo_Bar", "a..b"]).names == ["foo-bar", "a-b"])
        #expect(String(decoding: try ProjectNamesCaveat([#"q"uote"#]).encoded, as: UTF8.self) == #"[1,["q\"uote"]]"#)
    }

    @Test("invalid restrictions are refused at minting")
    func invalidRestrictions() {
        #expect(throws: CaveatError.self) { try ExpirationCaveat(expiresAt: 10, notBefore: 10) }
        #expect(throws: CaveatError.self) { try ProjectNamesCaveat([]) }
        #expect(throws: CaveatError.self) { try ProjectNamesCaveat([""]) }
        #expect(throws: CaveatError.self) { try ProjectIDsCaveat([]) }
        #expect(throws: CaveatError.self) { try RequestUserCaveat(userID: "") }
        #expect(throws: CaveatError.self) { try TrustedPublisherCaveat(publisherID: "") }
    }

    @Test("generated identifiers are distinct version 4 UUIDs")
    func generatedIdentifiers() {
        let identifiers = (0..<100).map { _ in ServiceToken.generateIdentifier() }
        #expect(Set(identifiers).count == 100)
        for identifier in identifiers {
            #expect(identifier.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/#) != nil, "\(identifier)")
        }
    }

    @Test("minting: fresh secret, canonical text, parse round trip, restriction without the key")
    func mintAndRestrict() async throws {
        let minted = try ServiceToken.mint(location: "pypi.org", identifier: "id-1", caveats: [try ProjectNamesCaveat(["foo"])])
        #expect(minted.secret.count == 32)
        #expect(minted.token.string.hasPrefix("pypi-AgEIcHlwaS5vcmc"))
        let parsed = try ServiceToken(parsing: minted.token.string, expectedPrefix: "pypi")
        #expect(parsed == minted.token)
        #expect(parsed.string == minted.token.string)
        let narrowed = parsed.restricted(by: try ExpirationCaveat(expiresAt: 2_000, notBefore: 1_000))
        #expect(narrowed.macaroon.caveats.count == 2)

        var store = InMemoryKeyStore()
        store.store(secret: minted.secret, forIdentifier: "id-1")
        let verifier = UploadTokenVerifier()
        let request = UploadRequest(project: .init(name: "foo"), now: 1_500)
        #expect(try await verifier.verify(token: narrowed.string, request: request, keys: store) == .allowed)
        let late = UploadRequest(project: .init(name: "foo"), now: 2_000)
        #expect(try await verifier.verify(token: narrowed.string, request: late, keys: store).reasons.map(\.code) == [.caveatNotSatisfied])
        store.revoke(identifier: "id-1")
        #expect(try await verifier.verify(token: narrowed.string, request: request, keys: store).reasons.map(\.code) == [.unknownIdentifier])
        #expect(!"\(narrowed)".contains(narrowed.string.dropFirst(5).prefix(20)))
    }

    @Test("a prefix given to mint or wrap a token is one or more of a-z and 0-9")
    func prefixesOfNewTokens() throws {
        let macaroon = try #require(Self.token).macaroon
        for prefix in ["pypi", "testpypi", "z9", "0"] {
            #expect(try ServiceToken(prefix: prefix, macaroon: macaroon).prefix == prefix)
        }
        for prefix in ["", "PyPI", "py-pi", "py pi", "py/pi", "p\u{e9}", "py`", "py{", "py:"] {
            #expect { try ServiceToken(prefix: prefix, macaroon: macaroon) } throws: { ($0 as? TokenError)?.code == .invalidPrefix }
        }
    }

    struct BadToken: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let code: TokenError.Code
        var testDescription: String { name }
    }

    static let canonical = (try? ServiceToken(location: "pypi.org", identifier: "id", secret: secret))?.string ?? ""
    static let body = String(canonical.dropFirst(5))

    /// A canonical token whose text ends in a partial group, with one spare bit set.
    static let withSpareBit: String = {
        for length in 1...3 {
            guard let text = (try? ServiceToken(location: "pypi.org", identifier: String(repeating: "i", count: length), secret: secret))?.string,
                  (text.count - 5) % 4 != 0, let last = text.last, let value = Base64Alphabet.value(of: last) else { continue }
            return String(text.dropLast()) + String(Base64Alphabet.character(for: value | 1))
        }
        return ""
    }()

    static let badTokens: [BadToken] = [
        BadToken(name: "no prefix", text: body, code: .missingPrefix),
        BadToken(name: "empty prefix", text: "-" + body, code: .invalidPrefix),
        BadToken(name: "uppercase prefix", text: "PyPI-" + body, code: .invalidPrefix),
        BadToken(name: "other service", text: "testpypi-" + body, code: .wrongPrefix),
        BadToken(name: "standard alphabet", text: "pypi-" + body.replacingOccurrences(of: "_", with: "/").replacingOccurrences(of: "-", with: "+"),
                 code: .invalidBase64),
        BadToken(name: "padding", text: canonical + "=", code: .invalidBase64),
        BadToken(name: "whitespace inside", text: "pypi-" + body.prefix(10) + " " + body.dropFirst(10), code: .invalidBase64),
        BadToken(name: "trailing newline", text: canonical + "\n", code: .invalidBase64),
        BadToken(name: "non-zero spare bits", text: withSpareBit, code: .invalidBase64),
        BadToken(name: "trailing bytes", text: "pypi-" + Base64.encode(Array(repeating: 0, count: 3) + []) , code: .invalidMacaroon),
        BadToken(name: "v1 macaroon inside", text: "pypi-" + Base64.encode(Array("0010location x\n".utf8)), code: .invalidMacaroon),
        BadToken(name: "empty body", text: "pypi-", code: .invalidMacaroon),
        BadToken(name: "too long", text: "pypi-" + String(repeating: "A", count: 70_000), code: .invalidMacaroon),
    ]

    @Test("one spelling per token", arguments: badTokens)
    func badToken(_ bad: BadToken) {
        #expect(tokenError { try ServiceToken(parsing: bad.text, expectedPrefix: "pypi") }?.code == bad.code)
    }

    @Test("an empty location field, as pymacaroons writes it, is read as no location")
    func emptyLocationField() async throws {
        let secret = Array(repeating: UInt8(9), count: 32)
        let canonical = try ServiceToken(location: "", identifier: "id-1", secret: secret, caveats: [ProjectNamesCaveat(["foo"])])
        var bytes = try canonical.macaroon.encoded(as: .v2Binary)
        bytes.insert(contentsOf: [0x01, 0x00], at: 1)
        let text = "pypi-" + Base64.encode(bytes)
        let token = try ServiceToken(parsing: text, expectedPrefix: "pypi")
        #expect(token.macaroon == canonical.macaroon)
        #expect(token.string == canonical.string && token.string != text)
        var keys = InMemoryKeyStore()
        keys.store(secret: secret, forIdentifier: "id-1")
        let request = UploadRequest(project: .init(name: "foo"), identity: .user(id: "u"), now: 1_800_000_000)
        #expect(try await UploadTokenVerifier().verify(token: text, request: request, keys: keys).isAllowed)
        // A server that checks the location still refuses it.
        #expect(try await !UploadTokenVerifier(location: "pypi.org").verify(token: text, request: request, keys: keys).isAllowed)
    }

    @Test("bytes after the signature are rejected")
    func trailingBytes() throws {
        let token = try #require(Self.token)
        let bytes = try token.macaroon.encoded(as: .v2Binary) + [0]
        let error = tokenError { try ServiceToken(parsing: "pypi-" + Base64.encode(bytes)) }
        #expect(error?.code == .invalidMacaroon)
        #expect(error?.underlying?.code == .trailingBytes)
    }

    @Test("the secret-scanning pattern matches our tokens and pypitoken's, and little else")
    func leakPattern() throws {
        let pattern = try Regex(ServiceToken.secretScanningPattern(prefix: "pypi", location: "pypi.org"))
        #expect(ServiceToken.secretScanningPattern(prefix: "pypi", location: "pypi.org") == "pypi-AgEIcHlwaS5vcmcC[A-Za-z0-9_-]{50,}")
        #expect(Self.canonical.wholeMatch(of: pattern) != nil)
        let generic = try Regex(ServiceToken.secretScanningPattern(prefix: "pypi"))
        let records = try loadRecords("Tests/Vectors/peers/pypitoken.jsonl", as: PeerRecord.self)
        #expect(records.count == 11)
        for record in records {
            let text = record.token ?? ""
            #expect(text.wholeMatch(of: generic) != nil)
            #expect(("see " + text + " here").contains(generic))
        }
        #expect("pypi-hello".contains(generic) == false)
        #expect("pypi-AgEIcHlwaS5vcmc".contains(pattern) == false)
    }

}
