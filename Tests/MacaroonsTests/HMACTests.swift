import Testing
@testable import Macaroons
@testable import _MacaroonInternals

@Suite("HMAC-SHA256 over OpenSSL's SHA-256")
struct HMACTests {
    struct RFC4231Case: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let message: [UInt8]
        let expectedHex: String
        var testDescription: String { name }
    }

    static let rfc4231: [RFC4231Case] = [
        .init(name: "case 1", key: Array(repeating: 0x0b, count: 20), message: Array("Hi There".utf8),
              expectedHex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        .init(name: "case 2", key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8),
              expectedHex: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        .init(name: "case 3", key: Array(repeating: 0xaa, count: 20), message: Array(repeating: 0xdd, count: 50),
              expectedHex: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        .init(name: "case 4", key: Array(1...25), message: Array(repeating: 0xcd, count: 50),
              expectedHex: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        .init(name: "case 5 (truncated to 128 bits)", key: Array(repeating: 0x0c, count: 20),
              message: Array("Test With Truncation".utf8), expectedHex: "a3b6167473100ee06e0c796c2955552b"),
        .init(name: "case 6", key: Array(repeating: 0xaa, count: 131),
              message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
              expectedHex: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        .init(name: "case 7", key: Array(repeating: 0xaa, count: 131),
              message: Array(("This is a test using a larger than block-size key and a larger than block-size data."
                  + " The key needs to be hashed before being used by the HMAC algorithm.").utf8),
              expectedHex: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    static func fastHMAC(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let mac = key.withUnsafeBytes { HMACSHA256(key: $0) }
        return message.withUnsafeBytes { mac.authenticationCode(for: $0) }.bytes
    }

    @Test("RFC 4231 test cases", arguments: rfc4231)
    func rfc4231Vector(_ vector: RFC4231Case) {
        let mac = Self.fastHMAC(key: vector.key, message: vector.message)
        #expect(Hex.encode(mac).hasPrefix(vector.expectedHex))
        #expect(Hex.encode(OpenSSLBackend.referenceHMACSHA256(key: vector.key, message: vector.message))
            .hasPrefix(vector.expectedHex))
    }

    @Test("agrees with OpenSSL's HMAC() on random keys and messages of every length class")
    func differentialAgainstOpenSSL() {
        var generator = SeededGenerator(seed: 4231)
        for round in 0..<2_000 {
            let keyLength = [0, 1, 31, 32, 33, 63, 64, 65, 128, 200][round % 10]
            let key = generator.bytes(keyLength)
            let message = generator.bytes(Int.random(in: 0...300, using: &generator))
            #expect(Self.fastHMAC(key: key, message: message) == OpenSSLBackend.referenceHMACSHA256(key: key, message: message))
        }
    }

    @Test("the in-place chain step for 32-byte keys agrees with OpenSSL's HMAC()")
    func inPlaceChainStep() {
        var generator = SeededGenerator(seed: 32)
        for _ in 0..<500 {
            let key = generator.bytes(32)
            let message = generator.bytes(Int.random(in: 0...200, using: &generator))
            var digest = SHA256Digest(key) ?? SHA256Digest()
            message.withUnsafeBytes { HMACSHA256.authenticate($0, keyedBy: &digest) }
            #expect(digest.bytes == OpenSSLBackend.referenceHMACSHA256(key: key, message: message))
        }
    }

    @Test("the two-digest form equals the MAC of the concatenation")
    func concatenatedDigests() {
        var generator = SeededGenerator(seed: 7)
        let key = generator.bytes(32)
        let first = SHA256Digest(generator.bytes(32)) ?? SHA256Digest()
        let second = SHA256Digest(generator.bytes(32)) ?? SHA256Digest()
        let mac = key.withUnsafeBytes { HMACSHA256(key: $0) }
        #expect(mac.authenticationCode(for: first, second).bytes
            == OpenSSLBackend.referenceHMACSHA256(key: key, message: first.bytes + second.bytes))
    }

    @Test("key derivation is HMAC(\"macaroons-key-generator\", secret)")
    func keyDerivation() {
        let secret = Array("this is the key".utf8)
        let derived = MacaroonKey(derivingFrom: secret).signingKey.bytes
        #expect(derived == OpenSSLBackend.referenceHMACSHA256(key: Array("macaroons-key-generator".utf8), message: secret))
    }

    @Test("signatures compare in constant time and by value")
    func signatureEquality() {
        let a = MacaroonSignature(bytes: Array(repeating: 1, count: 32))
        let bytes = [UInt8](repeating: 1, count: 32)
        #expect(a == MacaroonSignature(bytes: bytes))
        // Any one differing byte or bit, in either 16-byte half, makes them unequal.
        for index in 0..<32 {
            for bit in [0x01, 0x80] as [UInt8] {
                var changed = bytes
                changed[index] ^= bit
                #expect(a != MacaroonSignature(bytes: changed), "byte \(index)")
            }
        }
        #expect(MacaroonSignature(bytes: Array(repeating: 1, count: 31)) == nil)
    }

    @Test("raw keys must be 32 bytes; keys never print")
    func rawKeys() throws {
        #expect(macaroonError { try MacaroonKey(rawBytes: [1, 2, 3]) }?.code == .invalidKeyLength)
        let key = try MacaroonKey(rawBytes: Array(repeating: 7, count: 32))
        #expect(key.signingKey.bytes == Array(repeating: 7, count: 32))
        #expect("\(key)" == "MacaroonKey(<redacted>)")
        #expect(MacaroonKey.generateSecret().count == 32)
        #expect(MacaroonKey.generateSecret() != MacaroonKey.generateSecret())
    }
}
