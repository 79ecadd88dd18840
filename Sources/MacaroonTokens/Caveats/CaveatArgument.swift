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

    /// Equal when of the same kind with the same value, strings compared as UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let left), .integer(let right)): left == right
        case (.string(let left), .string(let right)): UTF8Text.equal(left, right)
        case (.strings(let left), .strings(let right)): UTF8Text.equal(left, right)
        case (.null, .null): true
        default: false
        }
    }

    /// Hashes the kind and the value, strings as UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .integer(let integer):
            hasher.combine(0)
            hasher.combine(integer)
        case .string(let string):
            hasher.combine(1)
            UTF8Text.hash(string, into: &hasher)
        case .strings(let strings):
            hasher.combine(2)
            hasher.combine(strings.count)
            for string in strings { UTF8Text.hash(string, into: &hasher) }
        case .null:
            hasher.combine(3)
        }
    }

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
