import Testing
@testable import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// `TokenInfo`'s hand-written `==` and `hash(into:)` against the synthesized ones they replaced,
/// and the record holding it still keeping its key out of every printout.
@Suite("TokenInfo: Hashable contract and redaction after the move to one reference")
struct TokenInfoContractTests {
    @Test("equal values hash alike, also for canonically equivalent text (String ==, as synthesized)")
    func canonicalEquivalence() {
        let composed = TokenInfoTests.info(id: "caf\u{E9}", owner: .user(id: "\u{C5}"), name: "\u{E9}", additional: "\u{E9}")
        let decomposed = TokenInfoTests.info(id: "cafe\u{301}", owner: .user(id: "A\u{30A}"), name: "e\u{301}", additional: "e\u{301}")
        #expect(composed == decomposed)
        #expect(composed.hashValue == decomposed.hashValue)
        #expect(Set([composed, decomposed]).count == 1)
        // Caveats are bytes: another encoding is another value.
        let other = TokenInfoTests.info(caveats: [Array("[1,[\"caf\u{E9}\"]]".utf8)])
        #expect(other != TokenInfoTests.info(caveats: [Array("[1,[\"cafe\u{301}\"]]".utf8)]))
        // A copy shares its storage and is equal without comparing fields.
        let copy = composed
        #expect(copy == composed && copy.hashValue == composed.hashValue)
    }

    @Test("a record's description, debug description, mirror and dump never show its root key")
    func recordRedacted() {
        let key = MacaroonKey(derivingFrom: Array("root secret".utf8))
        let record = TokenRecord(info: TokenInfoTests.info(), rootKey: key)
        var dumped = ""
        dump(record, to: &dumped)
        var dumpedInfo = ""
        dump(record.info, to: &dumpedInfo)
        let hex = Hex.encode(key.signingKeyBytes)
        for text in [record.description, record.debugDescription, String(reflecting: record), dumped, dumpedInfo, "\(record.info)"] {
            #expect(!text.lowercased().contains(hex.lowercased()), "\(text)")
            #expect(!text.contains("signingKey") && !text.contains("Storage"), "\(text)")
        }
        #expect(dumped.contains("<redacted>"))
    }
}
