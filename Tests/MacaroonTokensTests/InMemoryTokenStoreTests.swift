import MacaroonTokens
import Testing
import TokenStoreConformance

@Suite struct InMemoryTokenStoreTests {
    @Test(arguments: ConformanceCheck.all)
    func conformance(_ check: ConformanceCheck) async throws {
        try await check.run(on: InMemoryFixture())
    }

    @Test func secretsNeverAppearInDescriptionsOrMirrors() async throws {
        let kek = try KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x5A, count: 32))
        let store = InMemoryTokenStore()
        let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "ci", location: "pypi.org"))
        let record = try #require(try await store.token(id: minted.info.id))
        let row = try #require(store.rawRows().first)
        var dumps: [String] = []
        for value in [minted, record, kek, KeyRing(kek), store, row] as [Any] {
            var text = ""
            dump(value, to: &text)
            dumps += [text, String(describing: value), String(reflecting: value)]
        }
        for text in dumps {
            #expect(!text.contains(String(minted.token.dropFirst(5).prefix(40))), "the token leaked: \(text)")
            #expect(!text.contains("90, 90, 90"), "the key-encryption key leaked: \(text)")
            #expect(!text.contains(row.rootKey.prefix(8).map { "\($0)" }.joined(separator: ", ")), "a root key leaked: \(text)")
            #expect(!text.contains(record.rootKey.signingKeyBytes.prefix(8).map { "\($0)" }.joined(separator: ", ")), "a root key leaked")
        }
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
