import MacaroonTokens
import Testing

extension ConformanceCheck {
    /// No token verifies once its delete has returned, while other tasks verify it concurrently;
    /// no verification fails with an error meanwhile.
    static let verifyWhileRevoke = ConformanceCheck("verify while revoke") { fixture in
        let store = try await fixture.open(keyRing: KeyRing(Check.kek1))
        let alice = TokenOwner.user(id: "alice")
        var tokens: [MintedStoredToken] = []
        for index in 0..<40 {
            tokens.append(try await store.mint(Check.newToken(alice, "token \(index)"), now: Check.now))
        }
        let all = tokens
        let deleted = Locked(Set<String>())
        let done = Locked(false)
        let results = try await withThrowingTaskGroup(of: (allowedAfterDelete: Int, verified: Int).self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var allowedAfterDelete = 0, verified = 0, index = worker
                    while !done.withLock({ $0 }) {
                        let token = all[index % all.count]
                        index += 1
                        let wasDeleted = deleted.withLock { $0.contains(token.info.id) }
                        let verdict = try await Check.verify(token.token, store)
                        verified += 1
                        if wasDeleted && verdict.isAllowed { allowedAfterDelete += 1 }
                        if !wasDeleted && !verdict.isAllowed && verdict.verdict.reasons.map(\.code) != [.unknownIdentifier] {
                            allowedAfterDelete += 1000
                        }
                        // A store that never suspends would otherwise starve the deleting task.
                        await Task.yield()
                    }
                    return (allowedAfterDelete, verified)
                }
            }
            group.addTask {
                for token in all {
                    await Task.yield()
                    try await store.delete(id: token.info.id, ownedBy: alice)
                    deleted.withLock { _ = $0.insert(token.info.id) }
                    #expect(try await Check.verify(token.token, store).verdict.reasons.map(\.code) == [.unknownIdentifier])
                }
                done.withLock { $0 = true }
                return (0, 0)
            }
            return try await group.reduce(into: (0, 0)) { $0 = ($0.0 + $1.allowedAfterDelete, $0.1 + $1.verified) }
        }
        #expect(results.0 == 0, "a token verified after its delete had returned")
        #expect(results.1 > 0)
        #expect(try await store.tokens(ownedBy: alice).isEmpty)
    }

    /// 1,000 tokens minted by 8 concurrent tasks: none lost, all distinct, all verify;
    /// 8 tasks minting one name at once: exactly one wins.
    static let concurrentMinting = ConformanceCheck("concurrent minting") { fixture in
        let store = try await fixture.open(keyRing: KeyRing(Check.kek1))
        let owners: [TokenOwner] = [.user(id: "alice"), .trustedPublisher(id: "publisher")]
        let minted = try await withThrowingTaskGroup(of: [MintedStoredToken].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var minted: [MintedStoredToken] = []
                    for index in 0..<125 {
                        minted.append(try await store.mint(Check.newToken(owners[index % 2], "task \(task) token \(index)"), now: Check.now))
                    }
                    return minted
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(minted.count == 1000)
        #expect(Set(minted.map(\.info.id)).count == 1000)
        let listed = try await store.tokens(ownedBy: owners[0]) + store.tokens(ownedBy: owners[1])
        #expect(Set(listed.map(\.id)) == Set(minted.map(\.info.id)))
        for token in minted {
            #expect(try await Check.verify(token.token, store).isAllowed)
        }

        let outcomes = await withTaskGroup(of: TokenStoreError.Code?.self) { group in
            for _ in 0..<8 {
                group.addTask { await Check.storeError { _ = try await store.mint(Check.newToken(owners[0], "contended"), now: Check.now) }?.code }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .duplicateName }.count == 7)
    }
}
