import Macaroons
import MacaroonTokens
import Testing

extension ConformanceCheck {
    /// With a key-encryption key, the stored data holds no root key; without one it does
    /// (which shows the search would find them); a sealed row does not open without its key.
    static let sealedKeys = ConformanceCheck("sealed keys") { fixture in
        let sealed = try await fixture.open(keyRing: KeyRing(Check.kek1))
        var sealedKeys: [[UInt8]] = []
        var tokens: [MintedStoredToken] = []
        for index in 0..<3 {
            let minted = try await sealed.mint(Check.newToken(.user(id: "alice"), "sealed \(index)"), now: Check.now)
            tokens.append(minted)
            sealedKeys.append(try #require(try await sealed.token(id: minted.info.id)).rootKey.signingKeyBytes)
        }
        let unsealed = try await fixture.open(keyRing: .unsealed)
        let plain = try await unsealed.mint(Check.newToken(.user(id: "alice"), "plain"), now: Check.now)
        let plainKey = try #require(try await unsealed.token(id: plain.info.id)).rootKey.signingKeyBytes

        let raw = try await fixture.rawStorage()
        let holdsRows = raw.contains(subsequence: Array(tokens[0].info.id.utf8))
        let holdsPlainKey = raw.contains(subsequence: plainKey)
        let sealedKeysFound = sealedKeys.filter { raw.contains(subsequence: $0) }.count
        #expect(holdsRows, "the raw storage should hold the rows")
        #expect(holdsPlainKey, "an unsealed key should be found in the raw storage")
        #expect(sealedKeysFound == 0, "sealed root keys were found in the raw storage")

        let noKey = await Check.storeError { _ = try await unsealed.token(id: tokens[0].info.id) }
        #expect(noKey?.code == .keyUnavailable && noKey?.isOperational == true)
        await #expect(throws: TokenStoreError.self) { try await Check.verify(tokens[0].token, unsealed) }
        let impostor = try KeyEncryptionKey(id: Check.kek1.id, bytes: [UInt8](repeating: 0x33, count: 32))
        let wrongKey = try await fixture.open(keyRing: KeyRing(impostor))
        #expect(await Check.storeError { _ = try await wrongKey.token(id: tokens[0].info.id) }?.code == .keyUnavailable)
        #expect(try await Check.verify(tokens[0].token, sealed).isAllowed)
    }

    /// Rotation: a ring with the new key and the old one reads everything; `rewrap` moves
    /// every row to the new key while readers keep verifying; then the old key can go.
    static let keyRotation = ConformanceCheck("key rotation") { fixture in
        let old = try await fixture.open(keyRing: KeyRing(Check.kek1))
        var tokens: [MintedStoredToken] = []
        for index in 0..<20 {
            tokens.append(try await old.mint(Check.newToken(.user(id: "alice"), "token \(index)"), now: Check.now))
        }
        let rotating = try await fixture.open(keyRing: KeyRing(current: Check.kek2, previous: [Check.kek1]))
        tokens.append(try await rotating.mint(Check.newToken(.user(id: "alice"), "new"), now: Check.now))
        let all = tokens
        let verdicts = try await withThrowingTaskGroup(of: [Bool].self) { group in
            group.addTask {
                var results: [Bool] = []
                for _ in 0..<5 {
                    for token in all { results.append(try await Check.verify(token.token, rotating).isAllowed) }
                }
                return results
            }
            group.addTask {
                let rewrapped = try await rotating.rewrap()
                #expect(rewrapped == 20)
                return []
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(verdicts.count == 105 && verdicts.allSatisfy { $0 })
        #expect(try await rotating.rewrap() == 0)
        #expect(try await rotating.tokens(ownedBy: .user(id: "alice")).allSatisfy { $0.keyID == "kek-2" })

        let rotated = try await fixture.open(keyRing: KeyRing(Check.kek2))
        for token in tokens {
            #expect(try await Check.verify(token.token, rotated).isAllowed)
        }
        #expect(await Check.storeError { _ = try await old.token(id: tokens[0].info.id) }?.code == .keyUnavailable)
        #expect(KeyRing.unsealed.keyIDs.isEmpty)
        #expect(await Check.storeError { _ = try KeyRing(current: Check.kek1, previous: [Check.kek1]) }?.code == .invalidArgument)
    }

    /// Rows stored before sealing was configured are sealed by `rewrap`, after which the
    /// stored data holds none of their keys.
    static let sealingUnsealedRows = ConformanceCheck("sealing unsealed rows") { fixture in
        let unsealed = try await fixture.open(keyRing: .unsealed)
        var tokens: [MintedStoredToken] = []
        var keys: [[UInt8]] = []
        for index in 0..<3 {
            let minted = try await unsealed.mint(Check.newToken(.user(id: "alice"), "token \(index)"), now: Check.now)
            tokens.append(minted)
            keys.append(try #require(try await unsealed.token(id: minted.info.id)).rootKey.signingKeyBytes)
        }
        #expect(try await unsealed.rewrap() == 0)
        let sealed = try await fixture.open(keyRing: KeyRing(Check.kek1))
        #expect(try await Check.verify(tokens[0].token, sealed).isAllowed)
        #expect(try await sealed.rewrap() == 3)
        let raw = try await fixture.rawStorage()
        let keysFound = keys.filter { raw.contains(subsequence: $0) }.count
        #expect(keysFound == 0, "root keys are still readable in the raw storage after rewrap")
        for token in tokens {
            #expect(try await Check.verify(token.token, sealed).isAllowed)
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in
            self[start] == needle[0] && self[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
