import Macaroons
import MacaroonTokens
import Testing

/// Authenticate once, then authorize against each request: the same answers as the
/// one-pass verifier, and no caveat is ever evaluated for a token whose signature failed.
@Suite struct StagedVerificationTests {
    let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    let now: Int64 = 1_800_000_000

    /// Tokens of one store: account-wide, project-scoped, expiring, and restricted offline.
    func tokens() async throws -> (store: InMemoryTokenStore, texts: [String]) {
        let store = InMemoryTokenStore()
        let account = try await store.mint(NewToken(owner: .user(id: "alice"), name: "account", location: "pypi.org"), now: now)
        let scoped = try await store.mint(
            NewToken(owner: .user(id: "alice"), name: "scoped", caveats: [try ProjectNamesCaveat(["foo"])], location: "pypi.org"), now: now)
        let expiring = try await store.mint(
            NewToken(owner: .user(id: "alice"), name: "expiring", expires: now + 10, location: "pypi.org"), now: now)
        let restricted = try verifier.parse(account.token).restricted(by: [try ProjectNamesCaveat(["bar"])]).string
        return (store, [account.token, scoped.token, expiring.token, restricted])
    }

    @Test func sameAnswersAsOnePassVerification() async throws {
        let (store, texts) = try await tokens()
        let requests = [
            UploadRequest(project: .init(name: "foo", id: "1"), identity: .user(id: "alice"), now: now),
            UploadRequest(project: .init(name: "Bar", id: "2"), identity: .user(id: "alice"), now: now),
            UploadRequest(project: nil, identity: .user(id: "alice"), now: now),
            UploadRequest(project: .init(name: "foo", id: "1"), identity: .user(id: "alice"), now: now + 3600),
        ]
        for text in texts {
            let token = try verifier.parse(text)
            let id = try #require(token.identifier)
            let record = try #require(try await store.token(id: id))
            guard case .authenticated(let authenticated) = verifier.authenticate(token, key: record.rootKey) else {
                Issue.record("a valid token was not authenticated")
                continue
            }
            for request in requests {
                let onePass = verifier.verify(token, key: record.rootKey, request: request)
                let staged = verifier.evaluate(authenticated, request: request)
                #expect(staged == onePass, "\(request)")
            }
        }
    }

    /// A stored caveat is checked once with the token's own when the token carries the same bytes
    /// at the same place (as issued), and always on its own when it does not.
    @Test func storedCaveatsTheTokenLacksAreStillEvaluated() async throws {
        let (store, texts) = try await tokens()
        let foo = try ProjectNamesCaveat(["foo"]).encoded
        func record(of text: String, storing caveats: [[UInt8]]) async throws -> TokenRecord {
            let id = try #require(try verifier.parse(text).identifier)
            let stored = try #require(try await store.token(id: id))
            let info = stored.info
            return TokenRecord(
                info: TokenInfo(id: info.id, owner: info.owner, name: info.name, created: info.created, caveats: caveats),
                rootKey: stored.rootKey)
        }
        func authorize(_ text: String, _ record: TokenRecord, project: String) throws -> [DenialReason.Code] {
            guard case .authenticated(let token) = verifier.authenticate(try verifier.parse(text), record: record, ownerStatus: .active()) else {
                Issue.record("not authenticated")
                return []
            }
            return verifier.authorize(token, request: UploadRequest(project: .init(name: project), now: now)).verdict.reasons.map(\.code)
        }
        // The account-wide token carries no caveat: the stored one alone scopes it.
        let account = try await record(of: texts[0], storing: [foo])
        #expect(try authorize(texts[0], account, project: "foo") == [])
        #expect(try authorize(texts[0], account, project: "other") == [.caveatNotSatisfied])
        // Restricted offline to "bar": its first caveat is not the stored one, so both apply.
        let restricted = try await record(of: texts[3], storing: [foo])
        #expect(try authorize(texts[3], restricted, project: "foo") == [.caveatNotSatisfied])
        #expect(try authorize(texts[3], restricted, project: "bar") == [.caveatNotSatisfied])
        // The scoped token as issued: one check, one reason.
        let scoped = try await record(of: texts[1], storing: [foo])
        #expect(try authorize(texts[1], scoped, project: "foo") == [])
        #expect(try authorize(texts[1], scoped, project: "other") == [.caveatNotSatisfied])
        // The token's caveat stored at another place: the stored caveat before it still applies.
        let bar = try ProjectNamesCaveat(["bar"]).encoded
        let shifted = try await record(of: texts[1], storing: [bar, foo])
        #expect(try authorize(texts[1], shifted, project: "foo") == [.caveatNotSatisfied])
        #expect(try authorize(texts[1], shifted, project: "bar") == [.caveatNotSatisfied])
        // A stored caveat of the same meaning but other bytes (a trailing space; a longer list
        // starting with the token's bytes) is evaluated on its own.
        let spaced = try await record(of: texts[1], storing: [foo + Array(" ".utf8)])
        #expect(try authorize(texts[1], spaced, project: "foo") == [])
        #expect(try ProjectNamesCaveat(["foo", "bar"]).encoded.starts(with: foo.dropLast(2)))
        let longer = try await record(of: texts[1], storing: [try ProjectNamesCaveat(["foo", "bar"]).encoded])
        #expect(try authorize(texts[1], longer, project: "foo") == [])
        let stricter = try await record(of: texts[1], storing: [try ProjectNamesCaveat(["baz"]).encoded])
        #expect(try authorize(texts[1], stricter, project: "foo") == [.caveatNotSatisfied])
    }

    @Test func storedTokensAuthenticateOnceAndAuthorizePerRequest() async throws {
        let (store, texts) = try await tokens()
        let usage = TokenUsageRecorder(store: store)
        let scoped = try verifier.parse(texts[1])
        let id = try #require(scoped.identifier)
        let record = try #require(try await store.token(id: id))
        guard case .authenticated(let token) = verifier.authenticate(scoped, record: record, ownerStatus: .active()) else {
            Issue.record("the scoped token was not authenticated")
            return
        }
        let allowed = verifier.authorize(token, request: UploadRequest(project: .init(name: "foo"), now: now), usage: usage)
        #expect(allowed.isAllowed && allowed.owner == .user(id: "alice") && allowed.identity == .user(id: "alice"))
        let denied = verifier.authorize(token, request: UploadRequest(project: .init(name: "other"), now: now), usage: usage)
        #expect(denied.verdict.reasons.map(\.code) == [.caveatNotSatisfied] && denied.token?.id == record.id)
        #expect(usage.pendingCount == 1, "only the allowed request is recorded")
        // The same, through the one-call form.
        #expect(verifier.verify(scoped, record: record, ownerStatus: .active(), request: UploadRequest(project: .init(name: "other"), now: now))
            .verdict.reasons.map(\.code) == [.caveatNotSatisfied])

        // A disabled owner: authenticated (its signature is fine), its denial known before any request.
        guard case .authenticated(let frozen) = verifier.authenticate(scoped, record: record, ownerStatus: .disabled(reason: "frozen")) else {
            Issue.record("a frozen owner's token did not authenticate")
            return
        }
        #expect(frozen.ownerDenial?.code == .ownerDisabled)
        #expect(verifier.authorize(frozen, request: UploadRequest(project: .init(name: "foo"), now: now)).verdict.reasons.map(\.code) == [.ownerDisabled])

        // A token signed under another key never authenticates, and the record is not shown.
        let account = try verifier.parse(texts[0])
        guard case .denied(let verdict) = verifier.authenticate(account, record: record, ownerStatus: .active()) else {
            Issue.record("a forged token authenticated")
            return
        }
        #expect(verdict.verdict.reasons.map(\.code) == [.invalidSignature] && verdict.token == nil)

        // The authenticated token never shows its key.
        var text = ""
        dump(token, to: &text)
        for shown in [text, String(describing: token), String(reflecting: token)] {
            #expect(!shown.contains(record.rootKey.signingKeyBytes.prefix(8).map { "\($0)" }.joined(separator: ", ")))
            #expect(shown.contains(record.id))
        }
    }

    /// Stored tokens kept for many requests hold their caveats decoded once (`preparingCaveats(of:)`)
    /// and evaluate those for each request: the verdict must be the one the caveats' bytes give, reason
    /// by reason (code, message, caveat index), for caveats that hold, fail, or cannot be decoded at all.
    @Test func caveatsDecodedOnceAnswerAsTheirBytes() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "account", location: "pypi.org"), now: now)
        let record = try #require(try await store.token(id: minted.info.id))
        let account = try verifier.parse(minted.token).macaroon
        let appended: [[String]] = [
            [],
            ["[1,[\"foo\"]]"],
            ["[1,[\"foo\"]]", "[0,1800000100,1799999000]", "[2,[\"1\"]]"],
            ["not json", "[99,\"unknown tag\"]", "[1,[\"foo\",\"bar\"]]", "{\"version\":1,\"permissions\":\"user\"}"],
            ["[1,[]]", "[3,\"bob\"]", "[0,1799999000,1799998000]", "[]"],
        ]
        let requests = [
            UploadRequest(project: .init(name: "foo", id: "1"), now: now),
            UploadRequest(project: .init(name: "Bar", id: "2"), now: now),
            UploadRequest(project: nil, now: now + 1_000),
        ]
        for caveats in appended {
            var macaroon = account
            for caveat in caveats { macaroon = macaroon.addingFirstPartyCaveat(caveat.utf8) }
            let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
            guard case .authenticated(let stored) = verifier.authenticate(token, record: record, ownerStatus: .active()),
                  case .authenticated(let bare) = verifier.authenticate(token, key: record.rootKey) else {
                Issue.record("a valid token was not authenticated: \(caveats)")
                continue
            }
            for request in requests {
                var asUser = request
                asUser.identity = .user(id: "alice")
                let fromBytes = verifier.evaluate(bare, request: asUser)
                let unprepared = verifier.authorize(stored, request: request).verdict
                #expect(unprepared == fromBytes, "\(caveats) \(request)")
                // Tokens with a caveat that cannot be decoded are not prepared (they fail every request).
                guard let prepared = verifier.preparingCaveats(of: stored, upTo: 16) else {
                    #expect(fromBytes.reasons.contains { $0.code == .invalidCaveat }, "\(caveats)")
                    continue
                }
                let fromDecoded = verifier.authorize(prepared, request: request).verdict
                #expect(fromDecoded == fromBytes, "\(caveats) \(request)")
                #expect(fromDecoded.reasons.map(\.caveatIndex) == fromBytes.reasons.map(\.caveatIndex))
            }
        }
    }

    /// `authorize` is public and takes any authenticated token: caveats prepared by another verifier's
    /// language are used only when this verifier's language decodes alike; otherwise its own language
    /// decides, from the bytes (a stricter verifier must not accept what it cannot decode).
    @Test func authorizeDecidesWithItsOwnLanguage() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "account", location: "pypi.org"), now: now)
        let record = try #require(try await store.token(id: minted.info.id))
        let lenient = UploadTokenVerifier(location: "pypi.org", language: CaveatLanguage.pypi.adding(ReleaseVersionCaveat.self))
        var strictLanguage = CaveatLanguage.pypi
        strictLanguage.acceptsLegacyCaveats = false
        let strict = UploadTokenVerifier(location: "pypi.org", language: strictLanguage)
        let request = UploadRequest(project: .init(name: "foo", id: "1"), now: now, attributes: ["version": "1.0"])
        for caveat in [#"[100,"1.0"]"#, #"{"version":1,"permissions":"user"}"#] {
            let token = try ServiceToken(prefix: "pypi", macaroon: try lenient.parse(minted.token).macaroon.addingFirstPartyCaveat(caveat.utf8))
            guard case .authenticated(let stored) = lenient.authenticate(token, record: record, ownerStatus: .active()),
                  let prepared = lenient.preparingCaveats(of: stored, upTo: 16) else {
                Issue.record("not authenticated and prepared: \(caveat)")
                continue
            }
            #expect(lenient.authorize(prepared, request: request).isAllowed, "the lenient verifier understands \(caveat)")
            let own = strict.verify(token, record: record, ownerStatus: .active(), request: request)
            #expect(!own.isAllowed)
            #expect(strict.authorize(prepared, request: request).verdict == own.verdict, "\(caveat)")
        }
    }

    /// Random tokens of hostile caveats: staged verification (unprepared and prepared) answers as the
    /// caveats' bytes decoded for each request, verdict, messages and caveat indexes alike.
    @Test func preparedCaveatsDifferential() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "account", location: "pypi.org"), now: now)
        let record = try #require(try await store.token(id: minted.info.id))
        let pool = [
            "", " ", "[", "[]", "[0]", "[0,1800000100,1799999000]", "[0,1799999000,1800000100]", "[0,1,2,3]", "[0,\"1\",2]",
            "[1,[\"foo\"]]", "[1,[\"Foo\"]]", "[1,[]]", "[1,[\"foo\",1]]", "[1,\"foo\"]", "[2,[\"1\"]]", "[2,[\"2\",\"1\"]]", "[2,[]]",
            "[3,\"alice\"]", "[3,\"bob\"]", "[3,\"alice\",1]", "[4,\"pub\"]", "[4,\"pub\",\"x\"]", "[99]", "[-1,2]", "[1e0,[\"foo\"]]",
            "[9223372036854775807]", "[18446744073709551616]", "{\"version\":1,\"permissions\":\"user\"}",
            "{\"version\":1,\"permissions\":{\"projects\":[\"foo\"]}}", "{\"exp\":1800000100,\"nbf\":1}", "{\"project_ids\":[\"1\"]}",
            "{\"version\":2,\"permissions\":\"user\"}", "{}", "null", "\u{FEFF}[1,[\"foo\"]]", "[1,[\"fo\\u006f\"]]", "[[[[[[[[[[]]]]]]]]]]",
            String(repeating: "[", count: 80), "[1,[\"e\u{301}\"]]", "\u{0}", "[1,[\"foo\"]] ", "[1,[\"foo\"]]x",
        ]
        let requests = [
            UploadRequest(project: .init(name: "foo", id: "1"), now: now),
            UploadRequest(project: .init(name: "Foo", id: "2"), now: now),
            UploadRequest(project: nil, now: now),
            UploadRequest(project: .init(name: "foo", id: "1"), now: now + 1_000),
            UploadRequest(project: .init(name: "e\u{301}", id: "1"), now: 2),
        ]
        var generator = SplitMix(state: 0x5EED)
        let account = try verifier.parse(minted.token).macaroon
        var prepared = 0
        for _ in 0..<1_000 {
            var macaroon = account
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                macaroon = macaroon.addingFirstPartyCaveat(pool.randomElement(using: &generator)!.utf8)
            }
            let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
            guard case .authenticated(let stored) = verifier.authenticate(token, record: record, ownerStatus: .active()),
                  case .authenticated(let bare) = verifier.authenticate(token, key: record.rootKey) else {
                Issue.record("a valid token was not authenticated")
                continue
            }
            let kept = verifier.preparingCaveats(of: stored, upTo: 16)
            if kept != nil { prepared += 1 }
            for request in requests {
                var asUser = request
                asUser.identity = .user(id: "alice")
                let fromBytes = verifier.evaluate(bare, request: asUser)
                for staged in [stored, kept].compactMap({ $0 }) {
                    let verdict = verifier.authorize(staged, request: request).verdict
                    #expect(verdict == fromBytes)
                    #expect(verdict.reasons.map(\.caveatIndex) == fromBytes.reasons.map(\.caveatIndex))
                    #expect(verdict.reasons.map(\.message) == fromBytes.reasons.map(\.message))
                }
            }
        }
        #expect(prepared > 100, "the pool must give decodable tokens too (\(prepared))")
    }

    /// A seeded generator, so a failure repeats.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
