import Macaroons
import Testing
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// Issue 13.2 and 13.3: strings from tokens are compared as UTF-8 bytes, never
/// by `String`'s canonical equivalence.
@Suite("Exact comparisons are byte comparisons")
struct ExactComparisonTests {
    static let kelvin = "user-\u{212A}"  // KELVIN SIGN, canonically equivalent to "user-K"
    static let nfc = "caf\u{E9}"
    static let nfd = "cafe\u{301}"
    static let key = TimeBoundaries.key

    /// Pairs that `String.==` calls equal and the specs call different.
    static let equivalentPairs = [(kelvin, "user-K"), (nfd, nfc), (nfc, nfd)]

    /// Runs of combining marks, on which `String` hashing and `==` take more than linear time.
    static let marks = String(repeating: "\u{301}\u{316}", count: 16_000)

    /// Expects `body`, run on input holding ``marks``, to finish well within the time a quadratic `String` comparison takes.
    static func expectLinear(_ body: () -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        let elapsed = ContinuousClock().measure(body)
        #expect(elapsed < .milliseconds(500), "\(elapsed)", sourceLocation: sourceLocation)
    }

    /// Expects a set of `values`, each inserted twice, to hold each once, built in linear time.
    static func expectLinearHashing<Value: Hashable>(_ values: [Value], sourceLocation: SourceLocation = #_sourceLocation) {
        var set: Set<Value> = []
        expectLinear({ set = Set(values + values) }, sourceLocation: sourceLocation)
        #expect(set.count == values.count, sourceLocation: sourceLocation)
    }

    static func verdict(_ caveat: any TaggedUploadCaveat, _ request: UploadRequest) throws -> UploadVerdict {
        let token = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: key, identifier: "t".utf8)).restricted(by: caveat)
        return UploadTokenVerifier().verify(token, key: key, request: request)
    }

    @Test("the premise: Swift's String == calls these equal")
    func premise() {
        for (written, presented) in Self.equivalentPairs {
            #expect(written == presented)
            #expect(!UTF8Text.equal(written, presented))
        }
    }

    @Test("user ids")
    func userIDs() throws {
        for (written, presented) in Self.equivalentPairs {
            let caveat = try RequestUserCaveat(userID: written)
            #expect(try Self.verdict(caveat, UploadRequest(identity: .user(id: presented))).reasons.map(\.code) == [.caveatNotSatisfied])
            #expect(try Self.verdict(caveat, UploadRequest(identity: .user(id: written))) == .allowed)
        }
    }

    @Test("project ids")
    func projectIDs() throws {
        for (written, presented) in Self.equivalentPairs {
            let caveat = try ProjectIDsCaveat([written])
            #expect(try Self.verdict(caveat, UploadRequest(project: .init(name: "p", id: presented))).reasons.map(\.code) == [.caveatNotSatisfied])
            #expect(try Self.verdict(caveat, UploadRequest(project: .init(name: "p", id: written))) == .allowed)
        }
    }

    @Test("project names, after normalization")
    func projectNames() throws {
        let caveat = try ProjectNamesCaveat(arguments: CaveatArguments([.array([.string(Self.nfd)])]))
        #expect(try Self.verdict(caveat, UploadRequest(project: .init(name: Self.nfc))).reasons.map(\.code) == [.caveatNotSatisfied])
        #expect(try Self.verdict(caveat, UploadRequest(project: .init(name: Self.nfd))) == .allowed)
    }

    /// Adversarial review: the request's project name (an upload's form field) was normalized
    /// `Character` by `Character`: quadratic on combining marks, and `_` followed by a combining
    /// mark was not a separator, where Python's `re.sub(r"[-_.]+", "-", name).lower()` works on code points.
    @Test("project names are normalized by Unicode scalars, in linear time")
    func projectNameNormalization() {
        #expect(UploadRequest.Project(name: "Foo_\u{301}Bar").normalizedName == "foo-\u{301}bar")
        #expect(UploadRequest.Project(name: "A.-_b..C\u{130}").normalizedName == "a-b-ci\u{307}")
        var normalized = ""
        Self.expectLinear { normalized = UploadRequest.Project(name: "A" + Self.marks).normalizedName }
        #expect(UTF8Text.equal(normalized, "a" + Self.marks))
    }

    /// Adversarial review: a token holder's legacy caveat was matched with `String`'s `==`.
    @Test("the legacy permissions string is compared as bytes, in linear time")
    func legacyPermissions() throws {
        #expect(try CaveatLanguage.pypi.decode(Array(#"{"version":1,"permissions":"us\u0065r"}"#.utf8)[...]) is LegacyUserCaveat)
        let marks = Self.marks
        let caveat = Array(#"{"version":1,"permissions":"u\#(marks)"}"#.utf8)
        var failure: CaveatError?
        Self.expectLinear {
            do { _ = try CaveatLanguage.pypi.decode(caveat[...]) } catch { failure = error as? CaveatError }
        }
        #expect(failure?.code == .invalidArguments)
        // A value quoted in an error is cut by scalars, not by `Character`s (one holds every mark).
        var quoted: CaveatError?
        do { _ = try CaveatLanguage.pypi.decode(Array("[0,\"u\(marks)\",1]".utf8)[...]) } catch { quoted = error as? CaveatError }
        #expect(quoted?.code == .invalidArguments)
        #expect((quoted?.detail.utf8.count ?? .max) < 300, "\(quoted?.detail.utf8.count ?? 0) bytes")
    }

    /// Adversarial review: the caveats' synthesized `==` and `hash(into:)` compared and hashed
    /// their strings as `String`s: a server checking `caveats.contains(RequestUserCaveat(userID: owner))`
    /// was fooled by a Kelvin sign, and hashing a holder's caveat of combining marks was quadratic.
    @Test("caveats and their arguments are equal, and hash alike, only when their bytes are")
    func caveatEquality() throws {
        for (written, presented) in Self.equivalentPairs {
            #expect(try RequestUserCaveat(userID: written) != RequestUserCaveat(userID: presented))
            #expect(try TrustedPublisherCaveat(publisherID: written) != TrustedPublisherCaveat(publisherID: presented))
            #expect(try ProjectIDsCaveat([written]) != ProjectIDsCaveat([presented]))
            #expect(try ProjectNamesCaveat(arguments: CaveatArguments([.array([.string(written)])]))
                != ProjectNamesCaveat(arguments: CaveatArguments([.array([.string(presented)])])))
            #expect(CaveatArgument.string(written) != .string(presented))
            #expect(CaveatArgument.strings([written]) != .strings([presented]))
            #expect(Set([try RequestUserCaveat(userID: written), try RequestUserCaveat(userID: presented)]).count == 2)
            #expect(try RequestUserCaveat(userID: written) == RequestUserCaveat(userID: written))
            #expect(Set([try ProjectIDsCaveat([written, presented]), try ProjectIDsCaveat([written, presented])]).count == 1)
        }
        Self.expectLinearHashing([try RequestUserCaveat(userID: "u" + Self.marks), try RequestUserCaveat(userID: "v" + Self.marks)])
    }

    /// Adversarial review: requests compared and hashed their strings as `String`s, so a cache of
    /// verdicts keyed by requests took an NFD project name for the NFC one the verifier tells apart.
    @Test("requests are equal, and hash alike, only when their strings' bytes are")
    func requestEquality() throws {
        for (written, presented) in Self.equivalentPairs {
            #expect(UploadRequest(project: .init(name: written), now: 0) != UploadRequest(project: .init(name: presented), now: 0))
            #expect(UploadRequest.Project(name: "p", id: written) != UploadRequest.Project(name: "p", id: presented))
            #expect(UploadRequest.Identity.user(id: written) != .user(id: presented))
            #expect(UploadRequest.Identity.trustedPublisher(id: written, projectIDs: []) != .trustedPublisher(id: presented, projectIDs: []))
            #expect(UploadRequest.Identity.trustedPublisher(id: "p", projectIDs: [written]) != .trustedPublisher(id: "p", projectIDs: [presented]))
            #expect(UploadRequest(now: 0, attributes: [written: "v"]) != UploadRequest(now: 0, attributes: [presented: "v"]))
            #expect(Set([UploadRequest.Project(name: written), UploadRequest.Project(name: presented)]).count == 2)
        }
        let publisher = UploadRequest.Identity.trustedPublisher(id: "p", projectIDs: ["a", "b", "c"])
        #expect(publisher == .trustedPublisher(id: "p", projectIDs: ["c", "b", "a"]))
        #expect(Set([publisher, .trustedPublisher(id: "p", projectIDs: ["c", "b", "a"])]).count == 1)
        let request = UploadRequest(project: .init(name: "Foo", id: "1"), identity: .user(id: "u"), now: 5, attributes: ["k": "v"])
        #expect(Set([request, request, UploadRequest(project: .init(name: "Foo", id: "1"), identity: .user(id: "u"), now: 6)]).count == 2)
        Self.expectLinearHashing([UploadRequest(project: .init(name: "u" + Self.marks), now: 0), UploadRequest(project: .init(name: "v" + Self.marks), now: 0)])
    }

    @Test("publisher ids and the publisher's project ids")
    func publishers() throws {
        for (written, presented) in Self.equivalentPairs {
            let caveat = try TrustedPublisherCaveat(publisherID: written)
            let project = UploadRequest.Project(name: "p", id: "p1")
            let other = UploadRequest(project: project, identity: .trustedPublisher(id: presented, projectIDs: ["p1"]))
            #expect(try Self.verdict(caveat, other).reasons.map(\.code) == [.caveatNotSatisfied])
            let same = UploadRequest(project: project, identity: .trustedPublisher(id: written, projectIDs: ["p1"]))
            #expect(try Self.verdict(caveat, same) == .allowed)
            let otherProject = UploadRequest(project: .init(name: "p", id: presented), identity: .trustedPublisher(id: written, projectIDs: [written]))
            #expect(try Self.verdict(caveat, otherProject).reasons.map(\.code) == [.caveatNotSatisfied])
        }
    }

    @Test("trusted third-party locations")
    func thirdPartyLocations() throws {
        let root = Macaroon(key: Self.key, identifier: "t".utf8)
            .addingThirdPartyCaveat(secret: "s".utf8, identifier: "c".utf8, location: Self.nfd.utf8)
        let token = try ServiceToken(prefix: "pypi", macaroon: root)
        let discharge = Macaroon(key: MacaroonKey(derivingFrom: "s".utf8), identifier: "c".utf8).bound(to: root)
        let nfcTrust = UploadTokenVerifier(trustedThirdPartyLocations: [Self.nfc])
        #expect(nfcTrust.verify(token, key: Self.key, request: UploadRequest(), discharges: [discharge]).reasons.map(\.code)
            == [.thirdPartyCaveatNotAccepted])
        let nfdTrust = UploadTokenVerifier(trustedThirdPartyLocations: [Self.nfd])
        #expect(nfdTrust.verify(token, key: Self.key, request: UploadRequest(), discharges: [discharge]) == .allowed)
    }

    @Test("the in-memory key store finds keys by the identifier's bytes")
    func keyStore() async throws {
        for (stored, presented) in Self.equivalentPairs {
            var store = InMemoryKeyStore()
            store.store(secret: TimeBoundaries.secret, forIdentifier: stored)
            #expect(store.rootKey(forIdentifier: TokenIdentifier(presented)) == nil)
            #expect(store.rootKey(forIdentifier: TokenIdentifier(stored)) != nil)
            #expect(TokenIdentifier(presented) != TokenIdentifier(stored))
            let token = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: Self.key, identifier: presented.utf8))
            let verdict = try await UploadTokenVerifier().verify(token: token.string, request: UploadRequest(), keys: store)
            #expect(verdict.reasons.map(\.code) == [.unknownIdentifier])
        }
    }

    /// A store that counts its lookups.
    final class CountingStore: RootKeyStore, @unchecked Sendable {
        var lookups = 0
        func rootKey(forIdentifier identifier: TokenIdentifier) -> MacaroonKey? {
            lookups += 1
            return TimeBoundaries.key
        }
    }

    @Test("identifiers longer than maxIdentifierLength are never looked up")
    func identifierCap() async throws {
        let store = CountingStore()
        var verifier = UploadTokenVerifier()
        let long = String(repeating: "e\u{301}", count: 100)  // 300 bytes of combining marks
        let token = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: Self.key, identifier: long.utf8))
        #expect(try await verifier.verify(token: token.string, request: UploadRequest(), keys: store).reasons.map(\.code) == [.unknownIdentifier])
        #expect(store.lookups == 0)
        verifier.maxIdentifierLength = 300
        #expect(try await verifier.verify(token: token.string, request: UploadRequest(), keys: store) == .allowed)
        #expect(store.lookups == 1)
    }

    @Test("the Basic-auth user name is compared as bytes and never echoed")
    func basicAuthUserName() throws {
        let token = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: Self.key, identifier: "t".utf8)).string
        for user in ["__token__\u{301}", "__TOKEN__", token, String(repeating: "\u{301}", count: 5_000)] {
            let header = "Basic " + Base64.encode(Array((user + ":" + token).utf8))
            let error = try #require(tokenError { try AuthorizationHeader.token(from: header) })
            #expect(error.code == .invalidAuthorizationHeader)
            #expect(!error.detail.contains(user.prefix(9)) || user.hasPrefix("__token__"))
            #expect(!error.detail.contains(token.dropFirst(5).prefix(12)))
            #expect(error.detail.utf8.count < 120)
        }
        let header = "Basic " + Base64.encode(Array(("__token__:" + token).utf8))
        #expect(try AuthorizationHeader.token(from: header) == Substring(token))
    }
}
