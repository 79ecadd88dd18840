/// Compact JSON writing (no spaces), as Warehouse's `json.dumps(..., separators=(",", ":"))`.
package enum JSONWriter {
    /// Appends `text` as a JSON string literal: quotes, backslash and control
    /// characters escaped, everything else written as UTF-8.
    package static func appendString(_ text: some Collection<UInt8>, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20: appendEscape(UInt16(byte), to: &output)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `text` as Python's `json.dumps` writes it by default (`ensure_ascii`):
    /// `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and every other character outside
    /// printable ASCII as `\uXXXX` (lowercase hex; UTF-16 surrogate pairs beyond U+FFFF).
    package static func appendASCIIString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case 0x5C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x20...0x7E: output.append(UInt8(scalar.value))
            case 0x10000...:
                let value = scalar.value - 0x10000
                appendEscape(UInt16(0xD800 + (value >> 10)), to: &output)
                appendEscape(UInt16(0xDC00 + (value & 0x3FF)), to: &output)
            default: appendEscape(UInt16(scalar.value), to: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `\uXXXX` with lowercase hex digits.
    private static func appendEscape(_ unit: UInt16, to output: inout [UInt8]) {
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        output.append(contentsOf: Hex.encode([UInt8(unit >> 8), UInt8(unit & 0xFF)]).utf8)
    }

    /// Writes `value` compactly. With `asPython`, exactly as Python's
    /// `json.dumps(value, sort_keys=True, separators=(",", ":"))` (Warehouse's caveat
    /// encoding): strings as ``appendASCIIString(_:to:)`` writes them, object members
    /// sorted by name.
    package static func write(_ value: JSONValue, asPython: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        append(value, to: &output, asPython: asPython)
        return output
    }

    package static func append(_ value: JSONValue, to output: inout [UInt8], asPython: Bool = false) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text):
            if asPython { appendASCIIString(text, to: &output) } else { appendString(text.utf8, to: &output) }
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output, asPython: asPython)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let members = asPython ? object.members.sorted { $0.key < $1.key } : object.members
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if asPython {
                    appendASCIIString(member.key.description, to: &output)
                } else {
                    appendString(member.key.bytes, to: &output)
                }
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output, asPython: asPython)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONWriter {
    /// A short rendering of a value for error messages (at most 40 characters).
    package static func describe(_ value: JSONValue) -> String {
        let text = String(decoding: write(value), as: UTF8.self)
        // Cut by Unicode scalars: one `Character` can hold any number of combining marks.
        let scalars = text.unicodeScalars
        return scalars.count > 40 ? String(String.UnicodeScalarView(scalars.prefix(37))) + "..." : text
    }
}
