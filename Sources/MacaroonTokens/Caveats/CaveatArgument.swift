package import _MacaroonInternals

/// One argument a tagged caveat writes after its tag: the kinds of value that
/// PyPI's caveat language uses, and that ``CaveatArguments`` reads back.
public enum CaveatArgument: Sendable, Hashable {
    /// A JSON integer (Unix times).
    case integer(Int64)
    /// A JSON string (a user or publisher id).
    case string(String)
    /// A JSON array of strings (project names or ids).
    case strings([String])
    /// JSON `null` (an absent optional field, as Warehouse writes it).
    case null

    /// The argument as a JSON value, for the writer.
    package var json: JSONValue {
        switch self {
        case .integer(let integer): .integer(integer)
        case .string(let string): .string(string)
        case .strings(let strings): .array(strings.map(JSONValue.string))
        case .null: .null
        }
    }
}
