import Testing
@testable import MacaroonTokens

/// `TokenInfo` keeps its fields behind one reference (copies cost one retain); it must still
/// compare, hash and print as the memberwise value it was.
@Suite("TokenInfo: a value, whatever its storage")
struct TokenInfoTests {
    static func info(
        id: String = "0b6c8a2e-1f1d-4c55-a1a6-1c3f0f2d9e77", owner: TokenOwner = .user(id: "alice"), name: String = "ci",
        created: Int64 = 1_800_000_000, lastUsed: Int64? = nil, expires: Int64? = 1_800_003_600,
        caveats: [[UInt8]] = [Array(#"[1,["sampleproject"]]"#.utf8)], additional: String? = nil, keyID: String? = "kek-1"
    ) -> TokenInfo {
        TokenInfo(
            id: id, owner: owner, name: name, created: created, lastUsed: lastUsed, expires: expires,
            caveats: caveats, additional: additional, keyID: keyID)
    }

    @Test("equal field by field, not by storage; any one field differing makes it another value")
    func equality() {
        let base = Self.info()
        #expect(base == Self.info())
        #expect(base.hashValue == Self.info().hashValue)
        let others = [
            Self.info(id: "other"), Self.info(owner: .trustedPublisher(id: "alice")), Self.info(name: "cd"),
            Self.info(created: 1), Self.info(lastUsed: 1_800_000_001), Self.info(expires: nil), Self.info(caveats: []),
            Self.info(additional: "{}"), Self.info(keyID: nil),
        ]
        for other in others {
            #expect(base != other, "\(other)")
        }
        #expect(Set(others + [base, Self.info()]).count == others.count + 1)
    }

    @Test("fields read back as given, and it prints them as a struct would")
    func fields() {
        let info = Self.info(lastUsed: 42, additional: #"{"sub":"repo"}"#)
        #expect(info.id == "0b6c8a2e-1f1d-4c55-a1a6-1c3f0f2d9e77" && info.owner == .user(id: "alice") && info.name == "ci")
        #expect(info.created == 1_800_000_000 && info.lastUsed == 42 && info.expires == 1_800_003_600)
        #expect(info.caveats == [Array(#"[1,["sampleproject"]]"#.utf8)] && info.additional == #"{"sub":"repo"}"# && info.keyID == "kek-1")
        let printed = String(describing: info)
        #expect(printed.hasPrefix("TokenInfo(id: \"0b6c8a2e") && printed.contains("name: \"ci\"") && printed.contains("keyID: Optional(\"kek-1\")"), "\(printed)")
        #expect(Mirror(reflecting: info).children.map(\.label) == ["id", "owner", "name", "created", "lastUsed", "expires", "caveats", "additional", "keyID"])
    }
}
