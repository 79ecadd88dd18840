/// A parsed JSON value, as strict as RFC 8259 and stricter about numbers:
/// integers are kept apart from every other number so that `1`, `1.0` and
/// `true` are three different things.
///
/// Shared by the v2 JSON format and caveat languages whose caveats are JSON
/// (such as the upload-token language of `MacaroonTokens`).
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer written without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    /// Any other number, kept as written.
    case number(String)
    /// A string (valid Unicode; escapes resolved).
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object(JSONObject)

    /// The JSON type name, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "non-integer number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// The name of a JSON object member: its UTF-8 bytes with escapes resolved.
///
/// Names are compared, hashed and ordered as bytes, never as `String`: string
/// comparison applies Unicode canonical equivalence, which is slow on long
/// runs of combining marks and makes distinct names (NFC and NFD spellings)
/// equal.
public struct JSONMemberName: Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible, CustomDebugStringConvertible {
    /// The name's UTF-8 bytes.
    public let bytes: [UInt8]

    /// The name with these bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The name spelled by `text`.
    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The name spelled by a literal.
    public init(stringLiteral text: String) {
        self.init(text)
    }

    /// The name as text.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The name quoted and escaped, as a Swift string literal.
    public var debugDescription: String { description.debugDescription }

    /// Byte order.
    public static func < (lhs: JSONMemberName, rhs: JSONMemberName) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// A JSON object with its members in document order; names are unique (the parser rejects duplicates).
public struct JSONObject: Sendable, Equatable {
    /// The members in document order.
    public var members: [(key: JSONMemberName, value: JSONValue)]

    /// An object with these members (names should be unique).
    public init(_ members: [(key: JSONMemberName, value: JSONValue)]) {
        self.members = members
    }

    /// The value of member `name`, if present (names compare as bytes).
    public subscript(name: JSONMemberName) -> JSONValue? {
        members.first { $0.key == name }?.value
    }

    /// The member names in document order.
    public var keys: [JSONMemberName] { members.map(\.key) }

    /// Equal when members, including their order, are equal.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// A JSON syntax error at a byte offset.
package struct JSONSyntaxError: Error, Sendable, Equatable {
    package let offset: Int
    package let detail: String
}

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
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }
}
