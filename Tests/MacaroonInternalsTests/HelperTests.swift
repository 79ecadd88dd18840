import Testing
@testable import _MacaroonInternals

@Suite("Whitespace: one definition, bytes not Unicode")
struct WhitespaceTests {
    @Test("space, tab, line feed and carriage return, nothing else")
    func definition() {
        let whitespace = (0...255).filter { Whitespace.contains(UInt8($0)) }
        #expect(whitespace == [0x09, 0x0A, 0x0D, 0x20])
    }

    @Test("trimming keeps inner whitespace and leaves Unicode spaces alone", arguments: [
        (" \t token \r\n", "token"), ("a b", "a b"), ("", ""), (" \n ", ""), ("\u{A0}x\u{A0}", "\u{A0}x\u{A0}"), ("\tà\t", "à"),
        // Nothing to trim at the end (the last byte is not whitespace), and a space inside the last
        // character (U+0600 is prepended to what follows it) that is kept with it.
        ("token", "token"), (" e\u{301}", "e\u{301}"), ("\u{600} ", "\u{600} "), ("x\u{600} \n", "x\u{600} "),
    ])
    func trimming(_ input: String, _ expected: String) {
        #expect(String(input.trimmingWhitespace()) == expected)
        #expect(String(Substring(input).trimmingWhitespace()) == expected)
    }
}

@Suite("Printable: one rendering of bytes for messages and for the tool")
struct PrintableTests {
    @Test("text is quoted, escaped and capped; other bytes are hex")
    func messages() {
        #expect(Printable.bytes(Array("pypi.org".utf8)[...]) == "'pypi.org'")
        #expect(Printable.bytes([0x00, 0xFF][...]) == "0x00ff")
        #expect(Printable.bytes(Array(repeating: UInt8(ascii: "a"), count: 70)[...], limit: 4) == "'aaaa...'")
        #expect(Printable.bytes(Array("a\u{1B}]0;x\u{07}".utf8)[...]) == "0x611b5d303b7807")
    }

    @Test("joined: the pieces in order, whatever their lengths and scripts")
    func joined() {
        #expect(Printable.joined() == "")
        #expect(Printable.joined("", "a", "") == "a")
        let long = String(repeating: "x", count: 100)
        #expect(Printable.joined("project ", "'é'", " (id ", long, ")") == "project 'é' (id " + long + ")")
    }

    @Test("display: the text in full, hex with a marker, or (empty)")
    func display() {
        #expect(Printable.display([]) == "(empty)")
        #expect(Printable.display(Array("key-0001".utf8)[...]) == "key-0001")
        #expect(Printable.display([0x02, 0x01][...]) == "hex:0201")
        let long = Array(repeating: UInt8(ascii: "x"), count: 300)[...]
        #expect(Printable.display(long).hasSuffix("... (300 bytes)"))
    }
}

@Suite("UnixTime: calendar text and distances for any Int64")
struct UnixTimeTests {
    @Test("calendar text", arguments: [
        (Int64(0), "1970-01-01 00:00:00 UTC"), (1_900_000_000, "2030-03-17 17:46:40 UTC"), (-1, "1969-12-31 23:59:59 UTC"),
        (.max, "292277026596-12-04 15:30:07 UTC"),
    ])
    func format(_ seconds: Int64, _ expected: String) {
        #expect(UnixTime.format(seconds) == expected)
    }

    @Test("distances in the largest whole unit, either way, without overflow")
    func relative() {
        #expect(UnixTime.relative(90_000, now: 0) == "in 1 day")
        #expect(UnixTime.relative(0, now: 7_200) == "2 hours ago")
        #expect(UnixTime.relative(5, now: 5) == "in 0 seconds")
        #expect(UnixTime.relative(.max, now: .min) == "in 213503982334601 days")
    }
}

@Suite("Byte comparison in constant time")
struct ConstantTimeComparisonTests {
    @Test("equal bytes only: every length around the word size, a difference at every position, different lengths")
    func sameBytes() {
        for count in 0...41 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            bytes.withUnsafeBytes { left in
                let copy = bytes
                copy.withUnsafeBytes { #expect(left.hasSameBytesInConstantTime(as: $0), "length \(count)") }
                for position in 0..<count {
                    var changed = bytes
                    changed[position] ^= 0x80
                    changed.withUnsafeBytes { #expect(!left.hasSameBytesInConstantTime(as: $0), "length \(count), byte \(position)") }
                }
                (bytes + [0]).withUnsafeBytes { #expect(!left.hasSameBytesInConstantTime(as: $0), "length \(count) against one more") }
            }
        }
    }
}
