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

/// A JSON object with its members in document order; keys are unique (the parser rejects duplicates).
public struct JSONObject: Sendable, Equatable {
    /// The members in document order.
    public var members: [(key: String, value: JSONValue)]

    /// An object with these members (keys should be unique).
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    /// The value of member `key`, if present.
    public subscript(key: String) -> JSONValue? {
        members.first { $0.key == key }?.value
    }

    /// The keys in document order.
    public var keys: [String] { members.map(\.key) }

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
            case 0..<0x20: output.append(contentsOf: Array("\\u00\(Hex.encode([byte]))".utf8))
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Writes `value` compactly.
    package static func write(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        append(value, to: &output)
        return output
    }

    package static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): output.append(contentsOf: String(number).utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text): appendString(text.utf8, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(member.key.utf8, to: &output)
                output.append(UInt8(ascii: ":"))
                append(member.value, to: &output)
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
