import Macaroons
import _MacaroonInternals

/// The arguments of a tagged caveat (the array elements after the tag), with
/// strict typed accessors for decoders.
///
/// Arguments are read from the caveat's bytes on demand, so decoding the
/// standard caveats builds no intermediate JSON values. The whole caveat has
/// already been checked to be valid JSON when a decoder sees its arguments.
public struct CaveatArguments: Sendable {
    /// The caveat's JSON bytes.
    private let caveat: ArraySlice<UInt8>
    /// The offset from the start of `caveat` just after the tag.
    private let afterTag: Int
    private let maxDepth: Int
    /// The number of arguments.
    public let count: Int

    /// Arguments holding `values`, as if written after a tag (for the legacy caveats' adapters).
    init(_ values: [JSONValue]) {
        let bytes = JSONWriter.write(.array([.integer(0)] + values))
        // A freshly written array always reads back.
        self = (try? Self.read(bytes[...], maxDepth: Int.max).arguments) ?? CaveatArguments(caveat: bytes[...], afterTag: 0, maxDepth: 0, count: 0)
    }

    private init(caveat: ArraySlice<UInt8>, afterTag: Int, maxDepth: Int, count: Int) {
        self.caveat = caveat
        self.afterTag = afterTag
        self.maxDepth = maxDepth
        self.count = count
    }

    /// Reads a caveat that is a JSON array, checking all of it: its first element
    /// (the tag, as written) and its arguments. `nil` tag for an empty array.
    static func read(_ caveat: ArraySlice<UInt8>, maxDepth: Int) throws(JSONSyntaxError) -> (tag: JSONValue?, arguments: CaveatArguments) {
        try caveat.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
            let head = try parser.readArrayHead()
            return (head.first, CaveatArguments(caveat: caveat, afterTag: head.afterFirst, maxDepth: maxDepth, count: head.restCount))
        }
    }

    /// Throws unless there are between `minimum` and `maximum` arguments.
    public func requireCount(_ minimum: Int, _ maximum: Int? = nil) throws(CaveatError) {
        let maximum = maximum ?? minimum
        guard (minimum...maximum).contains(count) else {
            let expected = minimum == maximum ? "\(minimum)" : "\(minimum) to \(maximum)"
            throw CaveatError(.invalidArguments, "expected \(expected) argument(s), got \(count)")
        }
    }

    /// The argument at zero-based `index`, as a JSON value.
    func value(at index: Int) throws(CaveatError) -> JSONValue {
        try read(at: index) { (parser) throws(JSONSyntaxError) in try parser.parseValue(depth: 1) }
    }

    /// The integer at `index` (not a boolean, not `1.0`).
    public func integer(at index: Int, named name: String) throws(CaveatError) -> Int64 {
        let value = try value(at: index)
        guard case .integer(let integer) = value else {
            throw CaveatError(.invalidArguments, "\(name) must be an integer, got \(JSONWriter.describe(value))")
        }
        return integer
    }

    /// The non-empty string at `index`.
    public func string(at index: Int, named name: String) throws(CaveatError) -> String {
        let string = try read(at: index) { (parser) throws(JSONSyntaxError) -> String? in
            parser.current == UInt8(ascii: "\"") ? try parser.parseString() : nil
        }
        guard let string, !string.isEmpty else {
            throw CaveatError(.invalidArguments, "\(name) must be a non-empty string, got \(try describe(index))")
        }
        return string
    }

    /// The non-empty array of non-empty strings at `index`.
    public func strings(at index: Int, named name: String) throws(CaveatError) -> [String] {
        let strings = try read(at: index) { (parser) throws(JSONSyntaxError) in try parser.parseStringArray() }
        guard let strings else {
            throw CaveatError(.invalidArguments, "\(name) must be a non-empty array of strings, got \(try describe(index))")
        }
        guard !strings.isEmpty, !strings.contains(where: \.isEmpty) else {
            throw CaveatError(.invalidArguments, "\(name) must hold only non-empty strings, got \(try describeFirstNonString(at: index))")
        }
        return strings
    }

    /// Positions a parser at argument `index` and runs `body` there.
    private func read<Result>(at index: Int, _ body: (inout JSONParser) throws(JSONSyntaxError) -> Result) throws(CaveatError) -> Result {
        guard index >= 0, index < count else { throw CaveatError(.invalidArguments, "argument \(index + 1) is missing") }
        do {
            return try caveat.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
                var parser = JSONParser(bytes: buffer, maxDepth: maxDepth, position: afterTag)
                try parser.skipElements(index)
                return try body(&parser)
            }
        } catch {
            // The caveat was checked as a whole before; this cannot happen for valid input.
            throw CaveatError(.invalidArguments, "argument \(index + 1) is not valid JSON: \(error.detail)")
        }
    }

    private func describe(_ index: Int) throws(CaveatError) -> String {
        JSONWriter.describe(try value(at: index))
    }

    private func describeFirstNonString(at index: Int) throws(CaveatError) -> String {
        guard case .array(let elements) = try value(at: index) else { return try describe(index) }
        let offending = elements.first { element in
            if case .string(let string) = element { return string.isEmpty }
            return true
        }
        return offending.map(JSONWriter.describe) ?? "nothing"
    }
}
