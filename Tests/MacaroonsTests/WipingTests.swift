import Testing
@testable import Macaroons
@testable import _MacaroonInternals

/// Issue 13.8: what the library owns is wiped when it is done with it
/// (see Specs/cryptography.md for the list).
@Suite("Key material is wiped")
struct WipingTests {
    static func isZero<Value>(_ value: Value) -> Bool {
        withUnsafeBytes(of: value) { $0.allSatisfy { $0 == 0 } }
    }

    @Test("a digest wipes to zeros")
    func digest() throws {
        var digest = try #require(SHA256Digest([UInt8](repeating: 0xA5, count: 32)))
        #expect(!Self.isZero(digest))
        digest.wipe()
        #expect(Self.isZero(digest))
    }

    @Test("a keyed HMAC wipes both of its states, and MACs are unchanged by the wiping of intermediate states")
    func keyedStates() {
        let key = [UInt8](repeating: 0x0B, count: 20)
        var mac = key.withUnsafeBytes { HMACSHA256(key: $0) }
        #expect(!Self.isZero(mac))
        let message = Array("Hi There".utf8)
        // RFC 4231 test case 1, computed twice: nothing a MAC uses is wiped from under it.
        for _ in 0..<2 {
            let code = message.withUnsafeBytes { mac.authenticationCode(for: $0) }
            #expect(Hex.encode(code.bytes) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        }
        mac.wipe()
        #expect(Self.isZero(mac))
    }

    @Test("a buffer wipes to zeros")
    func buffer() {
        var bytes = [UInt8](repeating: 0xFF, count: 100)
        bytes.withUnsafeMutableBytes { $0.wipe() }
        #expect(bytes.allSatisfy { $0 == 0 })
    }

    @Test("a verification id opens into the caller's digest, and a tampered one yields nothing")
    func sodium() throws {
        let signature = try #require(SHA256Digest([UInt8](repeating: 1, count: 32)))
        let caveatKey = try #require(SHA256Digest([UInt8](repeating: 2, count: 32)))
        let sealed = SodiumBackend.seal(caveatKey, nonce: [UInt8](repeating: 3, count: 24), key: signature)
        #expect(SodiumBackend.open(sealed[...], key: signature)?.bytes == caveatKey.bytes)
        var tampered = sealed
        tampered[40] ^= 1
        #expect(SodiumBackend.open(tampered[...], key: signature) == nil)
    }
}
