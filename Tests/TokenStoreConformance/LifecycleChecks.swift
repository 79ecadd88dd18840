import MacaroonTokens
import Testing

extension ConformanceCheck {
    /// Mint, look up, list, verify, delete: the whole life of a token.
    static let lifecycle = ConformanceCheck("lifecycle") { fixture in
        let store = try await fixture.open(keyRing: KeyRing(Check.kek1))
        let alice = TokenOwner.user(id: "alice")
        let new = NewToken(
            owner: alice, name: "ci", caveats: [try ProjectNamesCaveat(["sampleproject"])], expires: Check.now + 3600,
            additional: #"{"note":"for CI"}"#, location: "pypi.org")
        let minted = try await store.mint(new, now: Check.now)
        #expect(minted.token.hasPrefix("pypi-"))
        #expect(minted.info.id.utf8.count == 36)
        let record = try #require(try await store.token(id: minted.info.id))
        #expect(record.info == minted.info)
        #expect(record.owner == alice && record.name == "ci" && record.created == Check.now)
        #expect(record.expires == Check.now + 3600 && record.lastUsed == nil && record.keyID == "kek-1")
        #expect(record.additional == #"{"note":"for CI"}"#)
        #expect(record.caveats.map { String(decoding: $0, as: UTF8.self) }
            == [#"[3,"alice"]"#, #"[1,["sampleproject"]]"#, "[0,\(Check.now + 3600),\(Check.now)]"])
        #expect(!"\(record)".contains("rootKey: MacaroonKey") && "\(record)".contains("<redacted>"))
        // The answer from memory, when there is one, is the store's own answer (asked right after a
        // lookup, within any cache's confirmation interval).
        _ = try await store.token(id: minted.info.id)
        let cached = store.cachedToken(id: minted.info.id)
        #expect(cached != nil || !fixture.cachesLookups, "a token just looked up is in the lookup cache")
        if let cached {
            #expect(cached.info == record.info && cached.rootKey.hasSameSigningKey(as: record.rootKey))
        }
        #expect(try await store.tokens(ownedBy: alice) == [minted.info])
        #expect(try await Check.verify(minted.token, store).isAllowed)

        try await store.delete(id: minted.info.id, ownedBy: alice)
        #expect(store.cachedToken(id: minted.info.id) == nil, "never answered from memory once its delete has returned")
        #expect(try await store.token(id: minted.info.id) == nil)
        #expect(try await store.tokens(ownedBy: alice).isEmpty)
        #expect(try await Check.verify(minted.token, store).verdict.reasons.map(\.code) == [.unknownIdentifier])
        #expect(await Check.storeError { try await store.delete(id: minted.info.id, ownedBy: alice) }?.code == .notFound)
        #expect(try await store.token(id: "no-such-token") == nil)
    }

    /// Deleting needs the owner; a user and a publisher with the same id are different owners.
    static let ownership = ConformanceCheck("ownership") { fixture in
        let store = try await fixture.open(keyRing: .unsealed)
        let alice = TokenOwner.user(id: "alice"), bob = TokenOwner.user(id: "bob")
        let publisherAlice = TokenOwner.trustedPublisher(id: "alice")
        let token = try await store.mint(Check.newToken(alice, "a"), now: Check.now)
        let second = try await store.mint(Check.newToken(alice, "b"), now: Check.now + 1)
        let bobs = try await store.mint(Check.newToken(bob, "a"), now: Check.now)
        let publishers = try await store.mint(Check.newToken(publisherAlice, "a"), now: Check.now)

        for owner in [bob, publisherAlice] {
            #expect(await Check.storeError { try await store.delete(id: token.info.id, ownedBy: owner) }?.code == .notFound)
        }
        #expect(try await store.token(id: token.info.id) != nil)
        #expect(try await store.tokens(ownedBy: alice).map(\.id) == [token.info.id, second.info.id])
        #expect(try await store.tokens(ownedBy: publisherAlice).map(\.id) == [publishers.info.id])
        #expect(try await Check.verify(publishers.token, store).identity == .trustedPublisher(id: "alice", projectIDs: ["project-1"]))

        #expect(try await store.deleteAll(ownedBy: alice) == 2)
        #expect(try await store.deleteAll(ownedBy: alice) == 0)
        #expect(try await store.token(id: second.info.id) == nil)
        #expect(try await store.token(id: bobs.info.id) != nil)
        #expect(try await store.token(id: publishers.info.id) != nil)
    }

    /// Names are unique per owner, compared as bytes, and free again once deleted.
    static let uniqueNames = ConformanceCheck("unique names") { fixture in
        let store = try await fixture.open(keyRing: .unsealed)
        let first = try await store.mint(Check.newToken(.user(id: "alice"), "ci"), now: Check.now)
        let duplicate = await Check.storeError { _ = try await store.mint(Check.newToken(.user(id: "alice"), "ci"), now: Check.now) }
        #expect(duplicate?.code == .duplicateName)
        #expect(duplicate?.isOperational == false)
        #expect(try await store.tokens(ownedBy: .user(id: "alice")).count == 1)
        _ = try await store.mint(Check.newToken(.user(id: "alice"), "CI"), now: Check.now)
        _ = try await store.mint(Check.newToken(.user(id: "bob"), "ci"), now: Check.now)
        _ = try await store.mint(Check.newToken(.trustedPublisher(id: "alice"), "ci"), now: Check.now)
        try await store.delete(id: first.info.id, ownedBy: .user(id: "alice"))
        _ = try await store.mint(Check.newToken(.user(id: "alice"), "ci"), now: Check.now)
        #expect(try await store.tokens(ownedBy: .user(id: "alice")).map(\.name).sorted() == ["CI", "ci"])

        // Names and ids from requests are escaped in error messages, never echoed raw.
        let hostile = "ci\u{1B}[2J\nlog line"
        _ = try await store.mint(Check.newToken(.user(id: "alice"), hostile), now: Check.now)
        let echoed = await Check.storeError { _ = try await store.mint(Check.newToken(.user(id: "alice"), hostile), now: Check.now) }
        #expect(echoed?.code == .duplicateName)
        #expect(echoed.map { !$0.detail.contains("\u{1B}") && !$0.detail.contains("\n") } == true)
        let missing = await Check.storeError { try await store.delete(id: hostile, ownedBy: .user(id: "alice")) }
        #expect(missing.map { $0.code == .notFound && !$0.detail.contains("\u{1B}") && !$0.detail.contains("\n") } == true)
    }

    /// Bad arguments are refused and nothing is stored.
    static let invalidArguments = ConformanceCheck("invalid arguments") { fixture in
        let store = try await fixture.open(keyRing: .unsealed)
        let alice = TokenOwner.user(id: "alice")
        let bad: [NewToken] = [
            Check.newToken(alice, ""),
            Check.newToken(alice, String(repeating: "x", count: 256)),
            Check.newToken(.user(id: ""), "ci"),
            // U+0000 (PostgreSQL's text cannot hold it): a refusal on every backend, never an outage on one.
            Check.newToken(alice, "c\u{0}i"),
            Check.newToken(.user(id: "al\u{0}ice"), "ci"),
            Check.newToken(.trustedPublisher(id: "\u{0}"), "ci"),
            Check.newToken(alice, "ci", expires: Check.now),
            NewToken(owner: alice, name: "ci", additional: "[1]", location: "pypi.org"),
            NewToken(owner: alice, name: "ci", additional: "{", location: "pypi.org"),
            NewToken(owner: alice, name: "ci", prefix: "PyPI", location: "pypi.org"),
        ]
        for new in bad {
            #expect(await Check.storeError { _ = try await store.mint(new, now: Check.now) }?.code == .invalidArgument)
        }
        #expect(try await store.tokens(ownedBy: alice).isEmpty)
    }

    /// Purging removes exactly the rows expired at that time; the verifier denies expired rows before that.
    static let purge = ConformanceCheck("purge") { fixture in
        let store = try await fixture.open(keyRing: .unsealed)
        let alice = TokenOwner.user(id: "alice")
        let soon = try await store.mint(Check.newToken(alice, "soon", expires: Check.now + 10), now: Check.now)
        let later = try await store.mint(Check.newToken(alice, "later", expires: Check.now + 20), now: Check.now)
        let never = try await store.mint(Check.newToken(alice, "never"), now: Check.now)
        #expect(try await Check.verify(soon.token, store, at: Check.now + 10).verdict.reasons.map(\.code).contains(.caveatNotSatisfied))
        #expect(try await store.purgeExpired(now: Check.now + 9) == 0)
        #expect(try await store.purgeExpired(now: Check.now + 10) == 1)
        #expect(try await store.token(id: soon.info.id) == nil)
        #expect(try await store.purgeExpired(now: Check.now + 100) == 1)
        #expect(try await store.token(id: later.info.id) == nil)
        #expect(try await store.tokens(ownedBy: alice).map(\.id) == [never.info.id])
        // The name of a purged token is free again.
        _ = try await store.mint(Check.newToken(alice, "soon"), now: Check.now + 100)
    }

    /// `last_used` moves forwards only; unknown ids are skipped.
    static let usage = ConformanceCheck("usage") { fixture in
        let store = try await fixture.open(keyRing: .unsealed)
        let token = try await store.mint(Check.newToken(), now: Check.now)
        try await store.recordUse([token.info.id: Check.now + 50, "no-such-token": Check.now])
        #expect(try await store.token(id: token.info.id)?.lastUsed == Check.now + 50)
        try await store.recordUse([token.info.id: Check.now + 20])
        #expect(try await store.token(id: token.info.id)?.lastUsed == Check.now + 50)
        let recorder = TokenUsageRecorder(store: store)
        _ = try await Check.verifier.verify(
            token: token.token, request: UploadRequest(project: Check.project, now: Check.now + 70), store: store,
            owners: ActiveOwners(), usage: recorder)
        #expect(try await recorder.flush() == 1)
        #expect(try await store.tokens(ownedBy: .user(id: "alice")).first?.lastUsed == Check.now + 70)
    }
}
