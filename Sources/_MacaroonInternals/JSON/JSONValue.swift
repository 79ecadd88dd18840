/// A parsed JSON value, as strict as RFC 8259 and stricter about numbers:
/// integers are kept apart from every other number so that `1`, `1.0` and
/// `true` are three different things.
///
/// Shared by the v2 JSON format and caveat languages whose caveats are JSON
/// (such as the upload-token language of `MacaroonTokens`).
package enum JSONValue: Sendable, Equatable {
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
    package var typeName: String {
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
