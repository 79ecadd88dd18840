import Testing
@testable import _MacaroonInternals
import MacaroonTestSupport

@Suite("UTF-8 validation")
struct UTF8TextTests {
    @Test("agrees with String(validating:as:) on text, every length around a word, and broken sequences")
    func agreesWithStandardLibrary() {
        var generator = SeededGenerator(seed: 8)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8),
            [0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xC3],
        ]
        for round in 0..<5_000 {
            let count = round % 20
            // Mostly valid text; every fourth input may contain a broken sequence.
            let choices = round % 4 == 0 ? pieces : Array(pieces.prefix(4))
            let bytes = (0..<count).flatMap { _ in choices.randomElement(using: &generator) ?? [] }
            let expected = String(validating: bytes, as: UTF8.self)
            #expect(UTF8Text.string(bytes[...]) == expected, "\(bytes)")
            #expect(bytes.withUnsafeBufferPointer(UTF8Text.isValid) == (expected != nil), "\(bytes)")
        }
    }

    @Test("one stray byte is found at every position of ASCII text up to three words long")
    func strayByteAnywhere() {
        for count in 1...24 {
            for position in 0..<count {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: count)
                bytes[position] = 0x80
                #expect(UTF8Text.string(bytes[...]) == nil, "0x80 at \(position) of \(count)")
            }
        }
    }

    @Test("byte comparison with a string: equal only for the same bytes")
    func bytesEqualText() {
        #expect(UTF8Text.bytes([][...], equal: ""))
        #expect(UTF8Text.bytes(Array("pypi.org".utf8)[...], equal: "pypi.org"))
        #expect(!UTF8Text.bytes(Array("pypi.org".utf8)[...], equal: "pypi.orh"))
        #expect(!UTF8Text.bytes(Array("pypi.org".utf8)[...], equal: "pypi.or"))
        #expect(!UTF8Text.bytes(Array("pypi.or".utf8)[...], equal: "pypi.org"))
        #expect(!UTF8Text.bytes([][...], equal: "a"))
        #expect(UTF8Text.bytes(Array("é".utf8)[...], equal: "é"))
    }
}

@Suite("UTF8Text.isASCII: the keys String compares as bytes")
struct ASCIITests {
    @Test("ASCII only; canonically equivalent spellings of ASCII text are not ASCII")
    func asciiOnly() {
        #expect(UTF8Text.isASCII("") && UTF8Text.isASCII("tok-K 0123456789abcdef\u{7F}"))
        for text in ["tok-\u{212A}", "e\u{301}", "\u{C5}", "\u{80}"] { #expect(!UTF8Text.isASCII(text), "\(text.unicodeScalars.map(\.value))") }
        // Why it matters: `String` equates the Kelvin sign with `K`.
        #expect("tok-K" == "tok-\u{212A}")
    }
}
