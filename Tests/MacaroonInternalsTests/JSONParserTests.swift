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
