import Macaroons
import MacaroonTokens
import Testing

/// A policy for tests: disabled owners by id, publishers' projects by id.
struct TestOwnerPolicy: TokenOwnerPolicy {
    var disabled: Set<String> = []
    var publisherProjects: [String: Set<String>] = [:]

    func status(of owner: TokenOwner) async -> TokenOwnerStatus {
        if disabled.contains(owner.id) { return .disabled(reason: "account \(owner.id) is frozen") }
        return .active(projectIDs: publisherProjects[owner.id] ?? [])
    }
}

/// A store whose every operation fails as a database that is down.
    private struct DownStore: TokenStore {
        let error = TokenStoreError(.unavailable, detail: "database down")
        func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken { throw error }
        func token(id: String) async throws(TokenStoreError) -> TokenRecord? { throw error }
        func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo] { throw error }
        func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) { throw error }
        func deleteAll(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> Int { throw error }
        func purgeExpired(now: Int64) async throws(TokenStoreError) -> Int { throw error }
        func recordUse(_ lastUsed: [String: Int64]) async throws(TokenStoreError) { throw error }
        func rewrap() async throws(TokenStoreError) -> Int { throw error }
    }

@Suite struct StoredTokenVerificationTests {
    let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    let now: Int64 = 1_800_000_000
    let project = UploadRequest.Project(name: "sampleproject", id: "p-1")

    @Test func identityComesFromTheStoredOwnerNotTheCaller() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        // The caller claims to be bob: ignored.
        let request = UploadRequest(project: project, identity: .user(id: "bob"), now: now + 1)
        let result = try await verifier.verify(token: minted.token, request: request, store: store, owners: TestOwnerPolicy())
        #expect(result.verdict == .allowed)
        #expect(result.identity == .user(id: "alice"))
        #expect(result.owner == .user(id: "alice"))
        #expect(result.token?.id == minted.info.id)
    }

    @Test func storedCaveatsAndExpiryApply() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(
            NewToken(owner: .user(id: "alice"), name: "one project", caveats: [try ProjectNamesCaveat(["sampleproject"])],
                     expires: now + 60, location: "pypi.org"), now: now)
        let other = UploadRequest(project: .init(name: "other", id: "p-2"), now: now + 1)
        let denied = try await verifier.verify(token: minted.token, request: other, store: store, owners: TestOwnerPolicy())
        #expect(denied.verdict.reasons.map(\.code).contains(.caveatNotSatisfied))
        let late = UploadRequest(project: project, now: now + 60)
        let expired = try await verifier.verify(token: minted.token, request: late, store: store, owners: TestOwnerPolicy())
        #expect(expired.verdict.reasons.contains { $0.message.hasPrefix("token is expired") })
        #expect(expired.identity == nil && expired.owner == nil)
    }

    @Test func disabledOwnerIsDeniedAndRevocationIsHonoured() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        let request = UploadRequest(project: project, now: now + 1)
        let frozen = try await verifier.verify(token: minted.token, request: request, store: store, owners: TestOwnerPolicy(disabled: ["alice"]))
        #expect(frozen.verdict.reasons.map(\.code) == [.ownerDisabled])
        try await store.delete(id: minted.info.id, ownedBy: .user(id: "alice"))
        let revoked = try await verifier.verify(token: minted.token, request: request, store: store, owners: TestOwnerPolicy())
        #expect(revoked.verdict.reasons.map(\.code) == [.unknownIdentifier])
    }

    @Test func trustedPublisherGetsItsProjectsFromThePolicy() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .trustedPublisher(id: "gh-1"), name: "run 42", location: "pypi.org"), now: now)
        let request = UploadRequest(project: project, now: now + 1)
        let allowed = try await verifier.verify(
            token: minted.token, request: request, store: store, owners: TestOwnerPolicy(publisherProjects: ["gh-1": ["p-1"]]))
        #expect(allowed.identity == .trustedPublisher(id: "gh-1", projectIDs: ["p-1"]))
        let denied = try await verifier.verify(token: minted.token, request: request, store: store, owners: TestOwnerPolicy())
        #expect(!denied.isAllowed)
    }

    @Test func forgedTokenSaysNothingAboutTheOwner() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        let forged = try ServiceToken(location: "pypi.org", identifier: minted.info.id, secret: MacaroonKey.generateSecret())
        let result = try await verifier.verify(
            token: forged.string, request: UploadRequest(project: project, now: now + 1), store: store, owners: TestOwnerPolicy(disabled: ["alice"]))
        #expect(result.verdict.reasons.map(\.code) == [.invalidSignature])
        #expect(result.token == nil)
    }

    @Test func usageIsRecordedInBatches() async throws {
        let store = InMemoryTokenStore()
        let usage = TokenUsageRecorder(store: store)
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        _ = try await verifier.verify(
            token: minted.token, request: UploadRequest(project: project, now: now + 5), store: store, owners: TestOwnerPolicy(), usage: usage)
        #expect(try await store.token(id: minted.info.id)?.lastUsed == nil)
        #expect(try await usage.flush() == 1)
        #expect(try await store.token(id: minted.info.id)?.lastUsed == now + 5)
    }

    @Test func theRecorderWritesInTheBackgroundAndDropsBeyondItsCapacity() async throws {
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        let usage = TokenUsageRecorder(store: store, capacity: 2)
        usage.record(id: minted.info.id, at: now + 1)
        usage.record(id: minted.info.id, at: now + 9)
        usage.record(id: minted.info.id, at: now + 3)  // older: ignored
        usage.record(id: "other-1", at: now)
        usage.record(id: "other-2", at: now)  // over capacity: dropped
        #expect(usage.pendingCount == 2)
        let writer = Task { await usage.run(every: .milliseconds(10)) }
        var lastUsed: Int64?
        for _ in 0..<200 where lastUsed == nil {
            try await Task.sleep(for: .milliseconds(10))
            lastUsed = try await store.token(id: minted.info.id)?.lastUsed
        }
        writer.cancel()
        await writer.value
        #expect(lastUsed == now + 9)
        #expect(usage.pendingCount == 0)
    }

    @Test func storeFailuresAreThrownNotVerdicts() async throws {
        let minted = try await InMemoryTokenStore().mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"), now: now)
        await #expect(throws: TokenStoreError.self) {
            try await verifier.verify(token: minted.token, request: UploadRequest(now: now), store: DownStore(), owners: TestOwnerPolicy())
        }
    }

    @Test func identifiersLongerThanTheLimitAreNeverLookedUp() async throws {
        let key = MacaroonKey(derivingFrom: Array("a root secret".utf8))
        let long = String(repeating: "e", count: verifier.maxIdentifierLength + 1)
        let token = try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: key, identifier: long.utf8, location: "pypi.org".utf8))
        // The store is down: a lookup would throw, so an answer shows that none was made.
        let verdict = try await verifier.verify(token: token.string, request: UploadRequest(now: now), store: DownStore(), owners: TestOwnerPolicy())
        #expect(verdict.verdict.reasons.map(\.code) == [.unknownIdentifier])
        #expect(verifier.storeIdentifier(of: token) == nil)
    }
}
