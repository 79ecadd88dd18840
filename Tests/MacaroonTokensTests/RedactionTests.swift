import Macaroons
import Testing
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// Issue 13.5: a value holding a key, a secret or a signature shows none of it
/// through `description`, `debugDescription` or `Mirror` (`dump`).
@Suite("Secrets never show through printing or reflection")
struct RedactionTests {
    /// Every way a value is commonly turned into text.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var mirrored = ""
        for child in Mirror(reflecting: value).children {
            mirrored += "\(child.label ?? ""): \(child.value)\n"
        }
        return [String(describing: value), String(reflecting: value), dumped, mirrored]
    }

    /// The textual forms a secret's bytes take: hex, and the decimal bytes and
    /// 64-bit words a default `dump` would print.
    static func forms(of secret: [UInt8]) -> [String] {
        let words = stride(from: 0, to: secret.count - 7, by: 8).map { offset in
            secret[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        return [Hex.encode(secret), "\(secret.count) elements"] + words.map { "\($0)" }
    }

    /// Checks that no rendering shows `secret`, and (with `marked`) that each says what it hides.
    static func expectRedacted(_ value: Any, hiding secret: [UInt8], marked: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            #expect(!marked || text.contains("<redacted>"), "\(text)", sourceLocation: sourceLocation)
            for form in forms(of: secret) {
                #expect(!text.contains(form), "\(form) in \(text)", sourceLocation: sourceLocation)
            }
        }
    }

    static let keyBytes = (0..<32).map { UInt8(0xA0 + $0 % 16) }

    @Test func macaroonKey() throws {
        let key = try MacaroonKey(rawBytes: Self.keyBytes)
        Self.expectRedacted(key, hiding: Self.keyBytes)
    }

    @Test("a signature, a macaroon, a verified macaroon")
    func signatures() throws {
        let key = try MacaroonKey(rawBytes: Self.keyBytes)
        let macaroon = Macaroon(key: key, identifier: "id-1".utf8, location: "loc".utf8).addingFirstPartyCaveat("a = 1".utf8)
        let signature = macaroon.signature.bytes
        Self.expectRedacted(macaroon.signature, hiding: signature)
        Self.expectRedacted(macaroon, hiding: signature)
        #expect(String(describing: macaroon).contains("'id-1'"))
        Self.expectRedacted(try macaroon.verifySignature(key: key), hiding: signature)
        Self.expectRedacted(MacaroonBundle(root: macaroon, discharges: []), hiding: signature)
    }

    @Test("a service token shows its prefix and identifier, never its text")
    func serviceToken() throws {
        let token = try ServiceToken(prefix: "pypi", location: "pypi.org", identifier: "id-2", secret: Self.keyBytes)
        Self.expectRedacted(token, hiding: token.macaroon.signature.bytes, marked: false)
        for text in Self.renderings(token) {
            #expect(!text.contains(token.string.dropFirst(5).prefix(16)))
        }
        #expect(String(describing: token) == "ServiceToken(prefix: pypi, identifier: 'id-2', caveats: 0)")
    }

    @Test("a minted token hides its secret and its token")
    func mintedToken() throws {
        let minted = try ServiceToken.mint(location: "pypi.org", identifier: "id-3")
        Self.expectRedacted(minted, hiding: minted.secret)
        Self.expectRedacted(minted, hiding: minted.token.macaroon.signature.bytes)
    }

    @Test("a key store shows identifiers, never keys")
    func keyStore() {
        var store = InMemoryKeyStore()
        store.store(secret: Self.keyBytes, forIdentifier: "id-4")
        var dumped = ""
        dump(store, to: &dumped)
        #expect(dumped.contains("<redacted>"))
        #expect(!dumped.contains("words"))
    }
}
