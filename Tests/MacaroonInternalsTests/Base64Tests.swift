import Foundation
import Testing
@testable import _MacaroonInternals
import MacaroonTestSupport

/// The table-driven decoder against a character-by-character model of the same rules.
@Suite("Base64 decoding")
struct Base64Tests {
    /// What the decoder must accept, written as plainly as possible: strip up to two
    /// `=` that complete a multiple of four (when padding is allowed), then read every
    /// character from one alphabet, six bits at a time, with zero spare bits.
    static func modelDecode(_ text: [UInt8], strictness: Base64.Strictness) -> [UInt8]? {
        let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var body = text[...]
        while body.last == UInt8(ascii: "=") { body = body.dropLast() }
        let padding = text.count - body.count
        if padding > 0 {
            guard strictness == .anyPeerSpelling, padding <= 2, text.count % 4 == 0 else { return nil }
        }
        guard body.count % 4 != 1 else { return nil }
        let alphabets = strictness == .urlSafeUnpadded ? [urlSafe] : [urlSafe, standard]
        guard let alphabet = alphabets.first(where: { alphabet in body.allSatisfy(alphabet.contains) }) else { return nil }
        var bits: [UInt8] = []
        for character in body {
            let value = alphabet.firstIndex(of: character) ?? 0
            bits += (0..<6).reversed().map { UInt8((value >> $0) & 1) }
        }
        let spare = bits.count % 8
        guard bits.suffix(spare).allSatisfy({ $0 == 0 }) else { return nil }
        return stride(from: 0, to: bits.count - spare, by: 8).map { start in
            bits[start..<start + 8].reduce(0) { $0 << 1 | $1 }
        }
    }

    static func decode(_ text: [UInt8], strictness: Base64.Strictness) -> Result<[UInt8], Base64Error> {
        text.withUnsafeBufferPointer { buffer in
            Result { () throws(Base64Error) in try Base64.decode(buffer, strictness: strictness) }
        }
    }

    @Test("encoding then decoding gives back every length of random bytes")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 64)
        for count in 0..<200 {
            let bytes = generator.bytes(count)
            let text = Array(Base64.encode(bytes).utf8)
            #expect(text.count == (count * 4 + 2) / 3)
            #expect(try Self.decode(text, strictness: .urlSafeUnpadded).get() == bytes)
        }
    }

    @Test("accepts and rejects exactly what the model does, on mutated and random inputs")
    func agreesWithModel() {
        var generator = SeededGenerator(seed: 4648)
        let alphabet = Array("AQgw/+_-=Z9 \n\u{7F}".utf8) + [0x00, 0x80, 0xFF]
        for round in 0..<20_000 {
            var text = Array(Base64.encode(generator.bytes(Int.random(in: 0...40, using: &generator))).utf8)
            if round % 3 == 0 { text += Array(repeating: UInt8(ascii: "="), count: (4 - text.count % 4) % 4) }
            for _ in 0..<Int.random(in: 0...2, using: &generator) where !text.isEmpty {
                let index = Int.random(in: 0..<text.count, using: &generator)
                text[index] = alphabet.randomElement(using: &generator) ?? 0
            }
            if round % 7 == 0 { text.append(alphabet.randomElement(using: &generator) ?? 0) }
            for strictness in [Base64.Strictness.urlSafeUnpadded, .anyPeerSpelling] {
                let ours = try? Self.decode(text, strictness: strictness).get()
                #expect(ours == Self.modelDecode(text, strictness: strictness), "\(text) \(strictness)")
            }
        }
    }

    @Test("every rejection is invalidBase64 and names the first offending character")
    func errorOffsets() {
        let cases: [(text: String, strictness: Base64.Strictness, offset: Int?)] = [
            ("AAAA!AAA", .anyPeerSpelling, 4),
            ("AA-A+AAA", .anyPeerSpelling, 4),
            ("AAAA+AAA", .urlSafeUnpadded, 4),
            ("AAAAAA\u{80}", .anyPeerSpelling, 6), // U+0080 is two bytes: 0xC2 0x80
            ("AB", .anyPeerSpelling, 1),
            ("AAAAA", .anyPeerSpelling, 4),
            ("AA==", .urlSafeUnpadded, 2),
            ("AAA==", .anyPeerSpelling, 3),
        ]
        for (text, strictness, offset) in cases {
            let result = Self.decode(Array(text.utf8), strictness: strictness)
            guard case .failure(let error) = result else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }
}
