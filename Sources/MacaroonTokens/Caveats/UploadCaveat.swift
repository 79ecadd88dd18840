import Macaroons

/// A decoded caveat of an upload token: a small policy over the request.
///
/// Caveats compose by conjunction: a request is allowed only if every caveat
/// of the token (and of its discharges) is satisfied. Built-in caveats are
/// ``ExpirationCaveat``, ``ProjectNamesCaveat``, ``ProjectIDsCaveat``,
/// ``RequestUserCaveat``, ``TrustedPublisherCaveat`` and ``LegacyUserCaveat``.
public protocol UploadCaveat: Sendable {
    /// Whether `request` satisfies this caveat, and if not, why not (in words a user can act on).
    func evaluate(_ request: UploadRequest) -> CaveatResult

    /// What the caveat allows, in words (e.g. `projects: foo, bar`).
    var summary: String { get }
}

/// A caveat written as a JSON array `[tag, arguments...]`, which a server can
/// mint and register in a ``CaveatLanguage``.
///
/// To add a caveat type of your own (say, a release-version restriction),
/// conform to this protocol with an unused tag and register it with
/// ``CaveatLanguage/adding(_:)``; no change to the library is needed.
public protocol TaggedUploadCaveat: UploadCaveat {
    /// The tag, the first element of the JSON array.
    static var tag: Int { get }

    /// Decodes the arguments (the array elements after the tag), strictly:
    /// wrong types, wrong counts and empty lists throw.
    init(arguments: CaveatArguments) throws(CaveatError)

    /// The arguments to write after the tag.
    var arguments: [JSONValue] { get }
}

extension TaggedUploadCaveat {
    /// The caveat's bytes: compact JSON `[tag,arguments...]`, as Warehouse writes them.
    public var encoded: [UInt8] {
        JSONWriter.write(.array([.integer(Int64(Self.tag))] + arguments))
    }
}

/// The outcome of evaluating one caveat.
public enum CaveatResult: Sendable, Hashable {
    /// The request satisfies the caveat.
    case satisfied
    /// The request does not satisfy the caveat, with a reason for the user.
    case failed(String)
}

/// A caveat that cannot be decoded: malformed JSON, unknown tag, wrong types.
public struct CaveatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, e.g. `caveat has unknown tag: 9`.
    public let message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// The arguments of a tagged caveat (the array elements after the tag), with
/// strict typed accessors for decoders.
public struct CaveatArguments: Sendable {
    /// The raw values.
    public let values: ArraySlice<JSONValue>

    /// Wraps argument values.
    public init(_ values: [JSONValue]) {
        self.values = values[...]
    }

    init(_ values: ArraySlice<JSONValue>) {
        self.values = values
    }

    /// Throws unless there are between `minimum` and `maximum` arguments.
    public func requireCount(_ minimum: Int, _ maximum: Int? = nil) throws(CaveatError) {
        let maximum = maximum ?? minimum
        guard (minimum...maximum).contains(values.count) else {
            let expected = minimum == maximum ? "\(minimum)" : "\(minimum) to \(maximum)"
            throw CaveatError("expected \(expected) argument(s), got \(values.count)")
        }
    }

    /// The integer at `index` (not a boolean, not `1.0`).
    public func integer(at index: Int, named name: String) throws(CaveatError) -> Int64 {
        guard case .integer(let value) = try value(at: index) else {
            throw CaveatError("\(name) must be an integer, got \(describe(index))")
        }
        return value
    }

    /// The non-empty string at `index`.
    public func string(at index: Int, named name: String) throws(CaveatError) -> String {
        guard case .string(let value) = try value(at: index), !value.isEmpty else {
            throw CaveatError("\(name) must be a non-empty string, got \(describe(index))")
        }
        return value
    }

    /// The non-empty array of non-empty strings at `index`.
    public func strings(at index: Int, named name: String) throws(CaveatError) -> [String] {
        guard case .array(let elements) = try value(at: index), !elements.isEmpty else {
            throw CaveatError("\(name) must be a non-empty array of strings, got \(describe(index))")
        }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element, !string.isEmpty else {
                throw CaveatError("\(name) must hold only non-empty strings, got \(JSONWriter.describe(element))")
            }
            strings.append(string)
        }
        return strings
    }

    /// The argument at zero-based `index`.
    public func value(at index: Int) throws(CaveatError) -> JSONValue {
        guard index >= 0, index < values.count else { throw CaveatError("argument \(index + 1) is missing") }
        return values[values.startIndex + index]
    }

    private func describe(_ index: Int) -> String {
        (try? value(at: index)).map(JSONWriter.describe) ?? "nothing"
    }
}
