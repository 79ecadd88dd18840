#if Hummingbird
import Logging
import Macaroons
import MacaroonServerTestSupport
@testable import MacaroonServerSupport
import MacaroonTokens
import MetricsTestKit
import Testing

/// `TokenAuthentication` remembers authenticated tokens by the `Authorization` header they came in:
/// a header presented again is not parsed, nor its token walked or decoded again, but everything that can change between
/// requests (the stored record, its key, the owner, the time, the project) counts as without it.
@Suite("Authenticated-token cache")
struct AuthenticatedTokenCacheTests {
    /// A store whose records can be swapped for another key (a row re-keyed under the same id), whose answer
    /// from memory the test sets, and that counts lookups.
    final class SwitchingStore: TokenStore {
        let base: any TokenStore
        let rekeyed = Locked(false)
        let lookups = Locked(0)
        /// What ``cachedToken(id:)`` answers (`nil`, by default: ask ``token(id:)``), and how often it was asked.
        let inMemory = Locked<TokenRecord?>(nil)
        let askedInMemory = Locked(0)
        init(_ base: any TokenStore) { self.base = base }
        func cachedToken(id: String) -> TokenRecord? {
            askedInMemory.withLock { $0 += 1 }
            return inMemory.withLock { $0 }
        }
        func token(id: String) async throws(TokenStoreError) -> TokenRecord? {
            lookups.withLock { $0 += 1 }
            guard let record = try await base.token(id: id) else { return nil }
            guard rekeyed.withLock({ $0 }) else { return record }
            return TokenRecord(info: record.info, rootKey: MacaroonKey(derivingFrom: MacaroonKey.generateSecret()))
        }
        func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken { try await base.mint(token, now: now) }
        func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo] { try await base.tokens(ownedBy: owner) }
        func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) { try await base.delete(id: id, ownedBy: owner) }
        func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int { try await base.deleteAll(ownedBy: owner) }
        func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int { try await base.purgeExpired(now: now) }
        func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError) { try await base.recordUse(lastUsed) }
        func rewrap() async throws(TokenStoreError) -> Int { try await base.rewrap() }
    }

    /// Owners that can be disabled between requests.
    final class SwitchingOwners: TokenOwnerPolicy {
        let disabled = Locked(false)
        func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
            disabled.withLock { $0 } ? .disabled(reason: "frozen") : .active()
        }
    }

    final class Clock: Sendable {
        let now = Locked<Int64>(UploadRequest.currentTime())
    }

    struct Setup {
        let fixture: Fixture
        let store: SwitchingStore
        let owners = SwitchingOwners()
        let clock = Clock()
        let authentication: TokenAuthentication

        init(capacity: Int = 1024) async throws {
            fixture = try await Fixture()
            store = SwitchingStore(fixture.store)
            let clock = self.clock
            authentication = TokenAuthentication(
                verifier: fixture.verifier, store: store, owners: owners, logger: Logger(label: "test"),
                metricsFactory: TestMetrics(), clock: { clock.now.withLock { $0 } }, authenticatedTokenCapacity: capacity)
        }

        func authenticate(_ token: String) async throws(TokenRefusal) -> AuthenticatedToken? {
            try await authentication.authenticate(authorizationHeader: "Bearer \(token)")
        }

        var remembered: Int { authentication.authenticatedTokens?.count ?? 0 }
    }

    @Test("a token presented again is served from the cache, looked up in the store each time")
    func rememberedAndLookedUpAgain() async throws {
        let setup = try await Setup()
        _ = try #require(try await setup.authenticate(setup.fixture.accountToken))
        #expect(setup.remembered == 1)
        let again = try #require(try await setup.authenticate(setup.fixture.accountToken))
        #expect(setup.remembered == 1)
        #expect(setup.store.lookups.withLock { $0 } == 2, "every presentation asks the store")
        #expect(try again.authorize(project: Fixture.project).isAllowed)
        // The same token through Basic credentials is another header: its own entry, answered from it.
        let basic = "Basic \(Fixture.basicCredentials(setup.fixture.accountToken))"
        _ = try #require(try await setup.authentication.authenticate(authorizationHeader: basic))
        #expect(setup.remembered == 2)
        let fromBasic = try #require(try await setup.authentication.authenticate(authorizationHeader: basic))
        #expect(fromBasic.scheme == .basic && setup.store.lookups.withLock { $0 } == 4)
    }

    @Test("a header is answered from the cache only when it is the same, byte for byte")
    func sameHeaderOnly() async throws {
        let setup = try await Setup()
        let token = setup.fixture.accountToken
        let header = "Bearer \(token)"
        _ = try #require(try await setup.authentication.authenticate(authorizationHeader: header))
        let cache = try #require(setup.authentication.authenticatedTokens)
        #expect(cache.entry(for: header) != nil)
        // Every byte changed in turn: the same length, and from the 33rd byte from the end on, the same ending.
        let bytes = Array(header.utf8)
        for position in bytes.indices {
            var changed = bytes
            changed[position] = changed[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(cache.entry(for: String(decoding: changed, as: UTF8.self)) == nil, "byte \(position)")
        }
        #expect(cache.entry(for: " " + header) == nil && cache.entry(for: String(header.dropLast())) == nil)
        // Another spelling with the same ending is verified from its text, and takes the entry's place.
        let lowercase = "bearer \(token)"
        let again = try #require(try await setup.authentication.authenticate(authorizationHeader: lowercase))
        #expect(again.id == (try ServiceToken(parsing: token)).identifier)
        #expect(setup.remembered == 1 && cache.entry(for: lowercase) != nil && cache.entry(for: header) == nil)
        // A tampered token whose header ends as the remembered one's is refused, and leaves the entry alone.
        var tampered = Array(lowercase.utf8)
        tampered[tampered.count / 2] = tampered[tampered.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        await #expect(throws: TokenRefusal.self) {
            try await setup.authentication.authenticate(authorizationHeader: String(decoding: tampered, as: UTF8.self))
        }
        #expect(setup.remembered == 1 && cache.entry(for: lowercase) != nil)
    }

    @Test("refused tokens are never remembered: forged, foreign, unknown caveat at authorization, revoked")
    func refusedTokensAreNotRemembered() async throws {
        let setup = try await Setup()
        _ = try #require(try await setup.authenticate(setup.fixture.accountToken))
        for token in [setup.fixture.forgedToken, setup.fixture.foreignToken, setup.fixture.revokedToken, setup.fixture.thirdPartyToken] {
            await #expect(throws: TokenRefusal.self) { try await setup.authenticate(token) }
            await #expect(throws: TokenRefusal.self, "twice: \(token.prefix(12))") { try await setup.authenticate(token) }
        }
        #expect(setup.remembered == 1, "only the account token")
    }

    @Test("a remembered token is refused once revoked, and forgotten")
    func revokedAfterRemembered() async throws {
        let setup = try await Setup()
        let token = try #require(try await setup.authenticate(setup.fixture.accountToken))
        try await setup.fixture.store.delete(id: token.id, ownedBy: token.owner)
        await #expect(throws: TokenRefusal.self) { try await setup.authenticate(setup.fixture.accountToken) }
        #expect(setup.remembered == 0)
    }

    @Test("a remembered token is refused once its owner is disabled")
    func ownerDisabledAfterRemembered() async throws {
        let setup = try await Setup()
        _ = try #require(try await setup.authenticate(setup.fixture.accountToken))
        setup.owners.disabled.withLock { $0 = true }
        do {
            _ = try await setup.authenticate(setup.fixture.accountToken)
            Issue.record("a disabled owner's remembered token was accepted")
        } catch {
            #expect(error.reasons.map(\.code) == [.ownerDisabled])
        }
        setup.owners.disabled.withLock { $0 = false }
        _ = try #require(try await setup.authenticate(setup.fixture.accountToken))
    }

    @Test("a record stored under the same id with another root key: the remembered token is not used, and the token is refused")
    func rekeyedRecord() async throws {
        let setup = try await Setup()
        _ = try #require(try await setup.authenticate(setup.fixture.accountToken))
        setup.store.rekeyed.withLock { $0 = true }
        do {
            _ = try await setup.authenticate(setup.fixture.accountToken)
            Issue.record("a token was accepted under a key it was not signed with")
        } catch {
            #expect(error.reasons.map(\.code) == [.invalidSignature])
        }
        #expect(setup.remembered == 0)
    }

    @Test("caveats of a remembered token are evaluated for every request: project and time")
    func caveatsEvaluatedPerRequest() async throws {
        let setup = try await Setup()
        let scoped = try ServiceToken(parsing: setup.fixture.accountToken).restricted(
            by: ProjectNamesCaveat([Fixture.project.name]),
            ExpirationCaveat(expiresAt: setup.clock.now.withLock { $0 } + 60, notBefore: setup.clock.now.withLock { $0 } - 60))
        for _ in 0..<2 {
            let token = try #require(try await setup.authenticate(scoped.string))
            #expect(try token.authorize(project: Fixture.project).isAllowed)
            #expect(throws: TokenRefusal.self) { try token.authorize(project: Fixture.otherProject) }
        }
        #expect(setup.remembered == 1)
        setup.clock.now.withLock { $0 += 120 }
        let later = try #require(try await setup.authenticate(scoped.string))
        do {
            try later.authorize(project: Fixture.project)
            Issue.record("an expired remembered token was authorized")
        } catch {
            #expect(error.reasons.map(\.code) == [.caveatNotSatisfied])
        }
    }

    @Test("bounded: at most `capacity` tokens, none longer than 1 KiB; capacity 0 remembers nothing")
    func bounded() async throws {
        let setup = try await Setup(capacity: 3)
        let account = try ServiceToken(parsing: setup.fixture.accountToken)
        for index in 0..<10 {
            let token = account.restricted(by: try ProjectNamesCaveat(["project-\(index)"]))
            _ = try #require(try await setup.authenticate(token.string))
            #expect(setup.remembered <= 3)
        }
        let long = account.restricted(by: try ProjectNamesCaveat((0..<80).map { "long-project-name-\($0)" }))
        #expect(long.string.utf8.count > 1024)
        let before = setup.remembered
        _ = try #require(try await setup.authenticate(long.string))
        #expect(setup.remembered == before, "a token longer than 1 KiB is not remembered")

        let none = try await Setup(capacity: 0)
        _ = try #require(try await none.authenticate(none.fixture.accountToken))
        #expect(none.authentication.authenticatedTokens == nil)
    }

    @Test("a token with a caveat that cannot be decoded, or with many caveats, is authenticated but not remembered")
    func costlyTokensNotRemembered() async throws {
        let setup = try await Setup()
        let account = try ServiceToken(parsing: setup.fixture.accountToken).macaroon
        // 200 empty caveats fit in 1 KiB of text and held about 90 KB decoded.
        var garbage = account
        for _ in 0..<200 { garbage = garbage.addingFirstPartyCaveat("".utf8) }
        var many = account
        for index in account.caveats.count...AuthenticatedTokenCache.maximumCaveatCount { many = many.addingFirstPartyCaveat("[3,\"\(index)\"]".utf8) }
        for macaroon in [garbage, account.addingFirstPartyCaveat("not json".utf8), many] {
            let text = try ServiceToken(prefix: "pypi", macaroon: macaroon).string
            #expect(text.utf8.count <= AuthenticatedTokenCache.maximumTokenLength)
            let token = try #require(try await setup.authenticate(text))
            #expect(throws: TokenRefusal.self) { try token.authorize(project: Fixture.project) }
            #expect(setup.remembered == 0)
        }
        var sixteen = account
        for _ in account.caveats.count..<AuthenticatedTokenCache.maximumCaveatCount { sixteen = sixteen.addingFirstPartyCaveat("[3,\"alice\"]".utf8) }
        _ = try #require(try await setup.authenticate(try ServiceToken(prefix: "pypi", macaroon: sixteen).string))
        #expect(setup.remembered == 1, "up to the bound, tokens are remembered")
    }

    @Test("headers with whitespace trimmed after or around their token are authenticated, not remembered; other spellings share an entry")
    func trimmedHeadersNotRemembered() async throws {
        let setup = try await Setup()
        let token = setup.fixture.accountToken
        for header in ["Bearer \(token) ", "token \(token)\t", "Basic \(Fixture.basicCredentials(" " + token))",
                       "Basic \(Fixture.basicCredentials(token + " "))", "Basic \(Fixture.basicCredentials(token)) "] {
            let authenticated = try #require(try await setup.authentication.authenticate(authorizationHeader: header))
            #expect(try authenticated.authorize(project: Fixture.project).isAllowed)
            #expect(setup.remembered == 0, "\(header.prefix(6))")
        }
        // The scheme's case and the whitespace before the credentials keep the ending: one entry, replaced.
        for header in ["Bearer \(token)", "bearer  \(token)", " BEARER  \(token)", "token \(token)"] {
            _ = try #require(try await setup.authentication.authenticate(authorizationHeader: header))
            #expect(setup.remembered == 1 && setup.authentication.authenticatedTokens?.entry(for: header) != nil)
        }
    }

    @Test("the cache and its entries never print a header or a token")
    func printsRedacted() async throws {
        let setup = try await Setup()
        let token = setup.fixture.accountToken
        _ = try #require(try await setup.authenticate(token))
        let cache = try #require(setup.authentication.authenticatedTokens)
        let entry = try #require(cache.entry(for: "Bearer \(token)"))
        for value in [cache, entry] as [Any] {
            var dumped = ""
            dump(value, to: &dumped)
            for shown in [String(describing: value), String(reflecting: value), dumped] {
                #expect(!shown.contains(token) && !shown.contains(String(token.suffix(16))), "\(shown)")
                #expect(!shown.contains("rootKey") && !shown.contains("macaroon"), "\(shown)")
            }
        }
    }
}
#endif
