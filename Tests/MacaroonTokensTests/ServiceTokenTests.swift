import Testing
import Macaroons
@testable import MacaroonTokens

@Suite("Service tokens: minting, parsing, headers, leak pattern")
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

    @Test("distinct outcomes: malformed, unknown identifier, bad signature, wrong location")
    func distinctOutcomes() async throws {
        let token = try #require(Self.token)
        var store = InMemoryKeyStore()
        store.store(secret: Self.secret, forIdentifier: "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b")
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let request = UploadRequest(now: 0)
        #expect(try await verifier.verify(token: "pypi-", request: request, keys: store).reasons.map(\.code) == [.malformedToken])
        #expect(try await verifier.verify(token: token.string, request: request, keys: InMemoryKeyStore()).reasons.map(\.code)
            == [.unknownIdentifier])
        var wrong = InMemoryKeyStore()
        wrong.store(secret: Array(repeating: 8, count: 32), forIdentifier: "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b")
        let bad = try await verifier.verify(token: token.string, request: request, keys: wrong)
        #expect(bad.reasons == [DenialReason(.invalidSignature, "signatures do not match")])
        let elsewhere = UploadTokenVerifier(location: "test.pypi.org")
        #expect(try await elsewhere.verify(token: token.string, request: request, keys: store).reasons.map(\.code) == [.wrongLocation])
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

    @Test("Authorization header forms")
    func headers() throws {
        let token = Self.canonical
        let basic = "Basic " + Base64.encode(Array("__token__:  \(token) \n".utf8)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        for header in [basic, "Bearer \(token)", "bearer \(token)", "token \(token)", "TOKEN   \(token)  "] {
            #expect(try AuthorizationHeader.token(from: header) == token[...])
        }
        let wrongUser = "Basic " + Base64.encode(Array("alice:\(token)".utf8))
        for header in [wrongUser, "Digest \(token)", "Bearer", "Bearer   ", token, "Basic %%%", "Basic " + Base64.encode(Array("nocolon".utf8))] {
            #expect(tokenError { try AuthorizationHeader.token(from: header) }?.code == .invalidAuthorizationHeader, "\(header)")
        }
    }

    @Test("the secret-scanning pattern matches our tokens and pypitoken's, and little else")
    func leakPattern() throws {
        let pattern = try Regex(ServiceToken.secretScanningPattern(prefix: "pypi", location: "pypi.org"))
        #expect(ServiceToken.secretScanningPattern(prefix: "pypi", location: "pypi.org") == "pypi-AgEIcHlwaS5vcmcC[A-Za-z0-9_-]{50,}")
        #expect(Self.canonical.wholeMatch(of: pattern) != nil)
        let generic = try Regex(ServiceToken.secretScanningPattern(prefix: "pypi"))
        for record in try loadJSONLines("Tests/Vectors/peers/pypitoken.jsonl") {
            let text = record["token"] as? String ?? ""
            #expect(text.wholeMatch(of: generic) != nil)
            #expect(("see " + text + " here").contains(generic))
        }
        #expect("pypi-hello".contains(generic) == false)
        #expect("pypi-AgEIcHlwaS5vcmc".contains(pattern) == false)
    }

    @Test("third-party caveats fail upload tokens unless their location is trusted")
    func thirdParty() async throws {
        let root = try #require(Self.token)
        let macaroon = root.macaroon.addingThirdPartyCaveat(secret: "2fa".utf8, identifier: "check 2fa".utf8, location: "https://auth.example/".utf8)
        let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
        let discharge = Macaroon(key: MacaroonKey(derivingFrom: "2fa".utf8), identifier: "check 2fa".utf8)
            .addingFirstPartyCaveat(try ExpirationCaveat(expiresAt: 100, notBefore: 0).encoded).bound(to: macaroon)
        let key = MacaroonKey(derivingFrom: Self.secret)
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

/// The URL-safe base64 alphabet, for building malformed tokens.
enum Base64Alphabet {
    static let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    static func value(of character: Character) -> Int? { characters.firstIndex(of: character) }
    static func character(for value: Int) -> Character { characters[value] }
}

@Suite("Hostile token strings")
struct HostileTokenTests {
    static let secret = Array(repeating: UInt8(3), count: 32)
    static let token = try! ServiceToken(location: "pypi.org", identifier: "id-1", secret: secret,
                                         caveats: [try! ProjectNamesCaveat(["foo"]), try! ExpirationCaveat(expiresAt: 2_000, notBefore: 1_000)])
    static let request = UploadRequest(project: .init(name: "foo"), now: 1_500)

    @Test("flipping any bit or truncating a token makes parse or verification fail")
    func flipsAndTruncations() throws {
        let key = MacaroonKey(derivingFrom: Self.secret)
        let verifier = UploadTokenVerifier()
        #expect(verifier.verify(Self.token, key: key, request: Self.request) == .allowed)
        let text = Array(Self.token.string.utf8)
        for index in text.indices {
            for bit in 0..<8 {
                var flipped = text
                flipped[index] ^= 1 << bit
                guard let token = try? verifier.parse(String(decoding: flipped, as: UTF8.self)) else { continue }
                let verdict = verifier.verify(token, key: key, request: Self.request)
                // Only the unsigned location can change undetected, and a located verifier catches that too.
                if verdict.isAllowed { #expect(token.macaroon.location != Self.token.macaroon.location, "byte \(index) bit \(bit)") }
                #expect(!UploadTokenVerifier(location: "pypi.org").verify(token, key: key, request: Self.request).isAllowed)
            }
        }
        for length in 0..<text.count {
            #expect((try? verifier.parse(String(decoding: text.prefix(length), as: UTF8.self))) == nil, "length \(length)")
        }
    }

    @Test("one verifier shared by many tasks")
    func concurrentVerification() async throws {
        var store = InMemoryKeyStore()
        store.store(secret: Self.secret, forIdentifier: "id-1")
        let keys = store
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let text = Self.token.string
        let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var allowed = 0
                    for round in 0..<200 {
                        let project = (task + round) % 2 == 0 ? "foo" : "bar"
                        let verdict = try await verifier.verify(token: text, request: UploadRequest(project: .init(name: project), now: 1_500), keys: keys)
                        if verdict.isAllowed { allowed += 1 }
                    }
                    return allowed
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(allowed == 800)
    }

    @Test("caveat JSON nesting: at the limit works, one deeper is a named error")
    func jsonDepthLimit() {
        let key = MacaroonKey(derivingFrom: Self.secret)
        func token(claimsDepth: Int) -> ServiceToken {
            let claims = String(repeating: #"{"a":"#, count: claimsDepth) + "1" + String(repeating: "}", count: claimsDepth)
            return ServiceToken(uncheckedPrefix: "pypi", macaroon: Self.token.macaroon.addingFirstPartyCaveat(#"[4,"t1",\#(claims)]"#.utf8))
        }
        var language = CaveatLanguage.pypi
        language.maxJSONDepth = 4
        let verifier = UploadTokenVerifier(language: language)
        let request = UploadRequest(project: .init(name: "foo", id: "p1"), identity: .trustedPublisher(id: "t1", projectIDs: ["p1"]), now: 1_500)
        // The outer array is depth 1, so claims may nest 3 deep.
        #expect(verifier.verify(token(claimsDepth: 3), key: key, request: request) == .allowed)
        let deeper = verifier.verify(token(claimsDepth: 4), key: key, request: request)
        #expect(deeper.reasons.map(\.code) == [.invalidCaveat])
        #expect(deeper.reasons.first?.message.contains("nesting deeper than 4") == true)
    }
}

extension ServiceToken {
    init(uncheckedPrefix prefix: String, macaroon: Macaroon) {
        self = try! ServiceToken(prefix: prefix, macaroon: macaroon)
    }
}

/// The custom caveat of the MacaroonTokens documentation: `[100,"1.2.0"]`.
struct ReleaseVersionCaveat: TaggedUploadCaveat {
    static let tag = 100
    let version: String

    init(version: String) { self.version = version }

    init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        version = try arguments.string(at: 0, named: "version")
    }

    var arguments: [JSONValue] { [.string(version)] }

    func evaluate(_ request: UploadRequest) -> CaveatResult {
        request.attributes["version"] == version ? .satisfied : .failed("token is only valid for version \(version)")
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

@Suite("Verifying from the Authorization header")
struct AuthorizationVerificationTests {
    @Test("every header form reaches the verifier; a bad header is a malformed token, and strangers' prefixes are not echoed at length")
    func headers() async throws {
        let secret = Array(repeating: UInt8(5), count: 32)
        let token = try ServiceToken(location: "pypi.org", identifier: "id-9", secret: secret, caveats: [try ProjectNamesCaveat(["foo"])])
        var keys = InMemoryKeyStore()
        keys.store(secret: secret, forIdentifier: "id-9")
        let verifier = UploadTokenVerifier(location: "pypi.org")
        let request = UploadRequest(project: .init(name: "foo"), now: 0)
        let basic = "Basic " + Base64.encode(Array("__token__:\(token.string)".utf8))
        for header in ["Bearer \(token.string)", "token \(token.string)", basic] {
            #expect(try await verifier.verify(authorizationHeader: header, request: request, keys: keys) == .allowed)
        }
        let other = UploadRequest(project: .init(name: "bar"), now: 0)
        #expect(try await verifier.verify(authorizationHeader: "Bearer \(token.string)", request: other, keys: keys).reasons.map(\.code)
            == [.caveatNotSatisfied])
        let wrongUser = "Basic " + Base64.encode(Array("alice:\(token.string)".utf8))
        #expect(try await verifier.verify(authorizationHeader: wrongUser, request: request, keys: keys).reasons.map(\.code) == [.malformedToken])
        let longPrefix = String(repeating: "x", count: 10_000) + "-" + token.string
        let reason = try await verifier.verify(token: longPrefix, request: request, keys: keys).reasons.first
        #expect(reason?.code == .malformedToken)
        #expect((reason?.message.count ?? .max) < 200)
    }
}
