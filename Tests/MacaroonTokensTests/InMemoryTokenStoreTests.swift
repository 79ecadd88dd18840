import MacaroonTokens
import Testing
import TokenStoreConformance

@Suite struct InMemoryTokenStoreTests {
    @Test(arguments: ConformanceCheck.all)
    func conformance(_ check: ConformanceCheck) async throws {
        try await check.run(on: InMemoryFixture())
    }

    @Test func warnsOnceWithoutAKeyEncryptionKey() {
        let warnings = Locked<[String]>([])
        _ = InMemoryTokenStore(warn: { message in warnings.withLock { $0.append(message) } })
        _ = InMemoryTokenStore(keyRing: KeyRing(try! KeyEncryptionKey.generate(id: "k")), warn: { message in warnings.withLock { $0.append(message) } })
        #expect(warnings.withLock { $0 } == [KeyRing.unsealedWarning])
    }
}

@Suite struct SchemaMigrationTests {
    let known = (1...3).map { SchemaMigration(version: $0, name: "step \($0)", statements: []) }

    @Test func pendingStepsFollowTheAppliedOnes() throws {
        #expect(try SchemaMigration.pending(applied: [], known: known).map(\.version) == [1, 2, 3])
        #expect(try SchemaMigration.pending(applied: [2, 1], known: known).map(\.version) == [3])
        #expect(try SchemaMigration.pending(applied: [1, 2, 3], known: known).isEmpty)
    }

    @Test func newerOrGappedSchemasAreRefused() {
        #expect(throws: TokenStoreError.self) { try SchemaMigration.pending(applied: [1, 2, 3, 4], known: known) }
        #expect(throws: TokenStoreError.self) { try SchemaMigration.pending(applied: [1, 3], known: known) }
    }
}
