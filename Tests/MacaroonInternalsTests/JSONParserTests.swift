import Testing
@testable import _MacaroonInternals

@Suite("The strict JSON parser")
struct JSONParserTests {
    static func parse(_ text: String, maxDepth: Int = 32) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8)[...], maxDepth: maxDepth)
    }

    @Test("integers are kept apart from other numbers, at the Int64 bounds too")
    func numbers() throws {
        #expect(try Self.parse("9223372036854775807") == .integer(.max))
        #expect(try Self.parse("-9223372036854775808") == .integer(.min))
        #expect(try Self.parse("9223372036854775808") == .number("9223372036854775808"))
        #expect(try Self.parse("-9223372036854775809") == .number("-9223372036854775809"))
        #expect(try Self.parse("-0") == .integer(0))
        #expect(try Self.parse("1.0") == .number("1.0"))
        #expect(try Self.parse("1e5") == .number("1e5"))
        #expect(try Self.parse(" [ 1 , true , null , \"x\" ] ") == .array([.integer(1), .bool(true), .null, .string("x")]))
        for bad in ["01", "-", "1.", "1e", "+1", ".5", "0x10", "NaN", "1 2"] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try Self.parse(bad) }
        }
    }

    @Test("strings: escapes, surrogate pairs, and what is rejected")
    func strings() throws {
        #expect(try Self.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
        for bad in [#""\ud800""#, #""\udc00""#, #""\x""#, #""\u12""#, "\"a\u{1}\"", #""abc"#, "\"\\"] {
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try Self.parse(bad) }
        }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22][...], maxDepth: 4) }
    }

    @Test("strings are scanned eight bytes at a time: every byte position of a special byte is found")
    func stringScanPositions() throws {
        for length in [1, 7, 8, 9, 16, 17, 24] {
            for offset in 0..<length {
                func string(with special: [UInt8]) -> [UInt8] {
                    var body = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    body.replaceSubrange(offset..<(offset + 1), with: special)
                    return [UInt8(ascii: "\"")] + body + [UInt8(ascii: "\"")]
                }
                let plain = String(repeating: "a", count: offset)
                let rest = String(repeating: "a", count: length - offset - 1)
                #expect(try JSONParser.parse(string(with: Array(#"\n"#.utf8))[...], maxDepth: 1) == .string(plain + "\n" + rest))
                #expect(try JSONParser.parse(string(with: [0x7F])[...], maxDepth: 1) == .string(plain + "\u{7F}" + rest))
                #expect(try JSONParser.parse(string(with: Array("é".utf8))[...], maxDepth: 1) == .string(plain + "é" + rest))
                for bad: [UInt8] in [[0x1F], [0x00], [0xC3, 0x28], [0xFF], [UInt8(ascii: "\"")]] {
                    #expect(throws: JSONSyntaxError.self, "\(bad) at \(offset) of \(length)") {
                        try JSONParser.parse(string(with: bad)[...], maxDepth: 1)
                    }
                }
            }
        }
    }

    @Test("integers of up to 19 digits, and the overflow checks after the eighteenth")
    func longIntegers() throws {
        for digits in 1...18 {
            let text = String(repeating: "9", count: digits)
            #expect(try Self.parse(text) == .integer(Int64(text)!))
            #expect(try Self.parse("-" + text) == .integer(Int64("-" + text)!))
        }
        #expect(try Self.parse("1000000000000000000") == .integer(1_000_000_000_000_000_000))
        #expect(try Self.parse("9999999999999999999") == .number("9999999999999999999"))
        #expect(try Self.parse("-10000000000000000000000") == .number("-10000000000000000000000"))
    }

    @Test("objects: duplicate keys and depth")
    func objects() throws {
        #expect(try Self.parse(#"{"b":1,"a":[]}"#) == .object(JSONObject([("b", .integer(1)), ("a", .array([]))])))
        #expect(throws: JSONSyntaxError.self) { try Self.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONSyntaxError.self) { try Self.parse(#"{"a" 1}"#) }
        #expect(throws: JSONSyntaxError.self) { try Self.parse(#"{1:1}"#) }
        #expect(try Self.parse(String(repeating: "[", count: 4) + String(repeating: "]", count: 4), maxDepth: 4) != .null)
        #expect(throws: JSONSyntaxError.self) { try Self.parse(String(repeating: "[", count: 5) + String(repeating: "]", count: 5), maxDepth: 4) }
        #expect(throws: JSONSyntaxError.self) { try Self.parse(String(repeating: "[", count: 100_000)) }
    }

    @Test("compact writing round-trips")
    func writing() throws {
        let value = JSONValue.array([.integer(-5), .string("q\"\n\u{1}"), .object(JSONObject([("k", .bool(false))])), .null, .number("1.5")])
        let text = JSONWriter.write(value)
        #expect(String(decoding: text, as: UTF8.self) == #"[-5,"q\"\n\u0001",{"k":false},null,1.5]"#)
        #expect(try JSONParser.parse(text[...], maxDepth: 8) == value)
    }
}
