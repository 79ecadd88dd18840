/// A strict, bounded JSON parser (RFC 8259).
///
/// Rejects: trailing content, duplicate object keys, raw control characters
/// in strings, invalid UTF-8, lone surrogates, leading zeros, nesting deeper
/// than `maxDepth`. It never recurses deeper than `maxDepth`, and allocates in
/// proportion to the input.
package struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    /// The offset of the next byte to read.
    package private(set) var position: Int

    /// Parses one JSON value filling the whole input (surrounding whitespace allowed).
    package static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.error("unexpected content after the JSON value") }
        return value
    }

    /// Parses the JSON value in `bytes`.
    package static func parse(_ bytes: ArraySlice<UInt8>, maxDepth: Int) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in try parse(buffer, maxDepth: maxDepth) }
    }

    /// A parser reading `bytes` from `position`, for callers that read a value piece by piece.
    package init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, position: Int = 0) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.position = position
    }

    /// A syntax error at `offset`, or at the current position.
    package func error(_ detail: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, detail: detail)
    }

    /// The next byte, if any.
    package var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Whether every byte has been read.
    package var isAtEnd: Bool { position == bytes.count }

    /// Skips whitespace, then consumes `byte` if it is next.
    @inline(__always)
    package mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard current == byte else { return false }
        position += 1
        return true
    }

    @inline(__always)
    package mutating func skipWhitespace() {
        while let byte = current, Whitespace.contains(byte) {
            position += 1
        }
    }

    private mutating func expect(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = position
        for expected in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard current == expected else { throw error("invalid literal", at: start) }
            position += 1
        }
    }

    /// Parses the value at the current position (after any whitespace).
    package mutating func parseValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character")
        }
    }

    // MARK: Arrays read piece by piece (caveats: a tag, then arguments read on demand)
    // Here rather than in the callers, so that the small steps inline.

    /// Reads an array that fills the input (whitespace around it allowed): parses its
    /// first element and checks the others without building them.
    ///
    /// - Returns: the first element (`nil` for `[]`), the offset just after it, and
    ///   how many elements follow it.
    package mutating func readArrayHead() throws(JSONSyntaxError) -> (first: JSONValue?, afterFirst: Int, restCount: Int) {
        guard consume(UInt8(ascii: "[")) else { throw error("expected an array") }
        var first: JSONValue?
        var afterFirst = position
        var restCount = 0
        if !consume(UInt8(ascii: "]")) {
            first = try parseValue(depth: 1)
            afterFirst = position
            while consume(UInt8(ascii: ",")) {
                try skipValue(depth: 1)
                restCount += 1
            }
            guard consume(UInt8(ascii: "]")) else { throw error("expected ',' or ']'") }
        }
        skipWhitespace()
        guard isAtEnd else { throw error("unexpected content after the JSON value") }
        return (first, afterFirst, restCount)
    }

    /// From just after an element of a checked array, moves past `count` more
    /// elements to the start of the next one.
    package mutating func skipElements(_ count: Int) throws(JSONSyntaxError) {
        var remaining = count
        while remaining > 0 {
            _ = consume(UInt8(ascii: ","))
            try skipValue(depth: 1)
            remaining -= 1
        }
        _ = consume(UInt8(ascii: ","))
        skipWhitespace()
    }

    /// The strings of the array at the current position: `nil` when the value is not
    /// an array or is empty, `[]` when an element is not a string.
    package mutating func parseStringArray() throws(JSONSyntaxError) -> [String]? {
        guard consume(UInt8(ascii: "[")), !consume(UInt8(ascii: "]")) else { return nil }
        var strings: [String] = []
        repeat {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { return [] }
            strings.append(try parseString())
        } while consume(UInt8(ascii: ","))
        return strings
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
        position += 1
        var members: [(key: JSONMemberName, value: JSONValue)] = []
        // Names hash as bytes: linear in their length, and NFC and NFD spellings stay distinct.
        var names: Set<JSONMemberName> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(members))
        }
        while true {
            skipWhitespace()
            let nameStart = position
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let name = JSONMemberName(bytes: try parseStringBytes())
            guard names.insert(name).inserted else {
                throw error("duplicate key \(Printable.bytes(name.bytes[...], limit: 32))", at: nameStart)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            members.append((name, try parseValue(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(JSONObject(members))
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// Checks the value at the current position without building it (objects
    /// are built, to check their keys are unique; they are rare).
    package mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        skipWhitespace()
        switch current {
        case UInt8(ascii: "\""):
            _ = try parseString(building: false)
        case UInt8(ascii: "["):
            guard depth + 1 <= maxDepth else { throw error("nesting deeper than \(maxDepth)") }
            position += 1
            if consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { throw error("expected ',' or ']'") }
        default:
            _ = try parseValue(depth: depth)
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        var isInteger = true
        let isNegative = current == UInt8(ascii: "-")
        if isNegative { position += 1 }
        guard let first = current, isDigit(first) else { throw error("expected a digit") }
        position += 1
        if first == UInt8(ascii: "0"), let next = current, isDigit(next) { throw error("leading zeros are not allowed", at: start) }
        // Accumulate the integer part as a negative number, so Int64.min fits. Eighteen
        // digits stay below 10^18 < 2^63, so only the digits after those are checked for overflow.
        var negated = -Int64(first - UInt8(ascii: "0"))
        var overflow = false
        var end = position
        while end < bytes.count, case let digit = bytes[end] &- UInt8(ascii: "0"), digit < 10 {
            if end - position < 17 {
                negated = negated &* 10 &- Int64(digit)
            } else {
                let (shifted, overflowMultiply) = negated.multipliedReportingOverflow(by: 10)
                let (next, overflowSubtract) = shifted.subtractingReportingOverflow(Int64(digit))
                overflow = overflow || overflowMultiply || overflowSubtract
                negated = next
            }
            end += 1
        }
        position = end
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = current, isDigit(digit) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let digit = current, isDigit(digit) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        if isInteger && !overflow {
            if isNegative { return .integer(negated) }
            if negated != .min { return .integer(-negated) }
        }
        return .number(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { position += 1 }
    }

    /// Parses the string at the current position; with `building: false` only checks it.
    package mutating func parseString(building: Bool = true) throws(JSONSyntaxError) -> String {
        switch try parseStringContents() {
        case .span(let span): building ? String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self) : ""
        case .unescaped(let unescaped): building ? String(decoding: unescaped, as: UTF8.self) : ""
        }
    }

    /// Parses the string at the current position into its bytes (valid UTF-8, escapes resolved).
    package mutating func parseStringBytes() throws(JSONSyntaxError) -> [UInt8] {
        switch try parseStringContents() {
        case .span(let span): Array(UnsafeBufferPointer(rebasing: bytes[span]))
        case .unescaped(let unescaped): unescaped
        }
    }

    /// The bytes of a JSON string, checked to be valid UTF-8.
    package enum StringContents {
        /// A string without escapes: these bytes of the input, between the quotes.
        case span(Range<Int>)
        /// A string with escapes: its bytes with the escapes resolved.
        case unescaped([UInt8])
    }

    /// Parses the string at the current position without copying it when it has no escapes.
    package mutating func parseStringContents() throws(JSONSyntaxError) -> StringContents {
        skipWhitespace()
        let start = position
        guard current == UInt8(ascii: "\"") else { throw error("expected a string") }
        position += 1
        // Fast path: no escapes, so the string is the bytes between the quotes. The
        // scan collects their high bits: ASCII needs no further UTF-8 check.
        let (end, isASCII) = plainRun(from: position)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            guard isASCII || UTF8Text.isValid(UnsafeBufferPointer(rebasing: bytes[position..<end])) else {
                throw error("string is not valid UTF-8", at: start)
            }
            defer { position = end + 1 }
            return .span(position..<end)
        }
        var unescaped = Array(bytes[position..<end])
        position = end
        while true {
            guard let byte = current else { throw error("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard unescaped.withUnsafeBufferPointer(UTF8Text.isValid) else {
                    throw error("string is not valid UTF-8", at: start)
                }
                return .unescaped(unescaped)
            case UInt8(ascii: "\\"):
                position += 1
                try parseEscape(into: &unescaped)
            case 0..<0x20:
                throw error("raw control character in a string")
            default:
                unescaped.append(byte)
                position += 1
            }
        }
    }

    /// Where the run of string bytes from `start` that need no attention ends (at a
    /// quote, a backslash, a control character or the end of the input), and whether
    /// the run is ASCII. Eight bytes at a time, then byte by byte.
    private func plainRun(from start: Int) -> (end: Int, isASCII: Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawBufferPointer(bytes)
        var end = start
        var seen: UInt64 = 0
        while end + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: end, as: UInt64.self)
            // The classic SWAR test, exact for "is there such a byte": `(x - n * ones) & ~x & highBits`
            // is non-zero when a byte of x is below n (n <= 0x80). Here for bytes below 0x20, and for
            // zero bytes after XOR with repeated quotes and backslashes (which keeps each high bit).
            let below = (word &- ones &* 0x20) | ((word ^ (ones &* 0x22)) &- ones) | ((word ^ (ones &* 0x5C)) &- ones)
            if below & ~word & highBits != 0 { break }
            seen |= word
            end += 8
        }
        while end < raw.count {
            let byte = raw[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            seen |= UInt64(byte)
            end += 1
        }
        return (end, seen & highBits == 0)
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(JSONSyntaxError) {
        guard let byte = current else { throw error("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = position - 2
            var scalar = try parseHexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate", at: escapeStart)
                }
                position += 2
                let low = try parseHexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate", at: escapeStart) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("unpaired surrogate", at: escapeStart)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid code point", at: escapeStart) }
            output.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
