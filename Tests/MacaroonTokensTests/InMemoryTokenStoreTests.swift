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
