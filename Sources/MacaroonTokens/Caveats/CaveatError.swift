public import Macaroons
import _MacaroonInternals

/// A caveat that cannot be decoded or built: malformed JSON, unknown tag, wrong
/// arguments, an impossible value.
///
/// Compare ``code`` to match a kind of failure; ``detail`` is prose for people
/// and may change between releases.
public struct CaveatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// What was wrong, e.g. `caveat has unknown tag: 9`.
    public let detail: String
    /// The JSON syntax error behind an ``Code/invalidJSON``, with its byte offset.
    public let underlying: MacaroonError?

    /// Creates an error; `detail` is escaped and capped as ``TokenError``'s details are.
    public init(_ code: Code, _ detail: String, underlying: MacaroonError? = nil) {
        self.code = code
        self.detail = Printable.message(detail)
        self.underlying = underlying
    }

    /// The detail.
    public var description: String { detail }

    /// The kinds of ``CaveatError``, as static members (new kinds may be added).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The name of the code, e.g. `unknownTag`.
        public var description: String { name }

        /// The caveat is not valid JSON.
        public static let invalidJSON = Code("invalidJSON")
        /// The caveat is JSON of the wrong shape: not an array, an empty array, a tag that is not an integer.
        public static let invalidShape = Code("invalidShape")
        /// The caveat's tag (or a legacy caveat's set of keys) is not in the language.
        public static let unknownTag = Code("unknownTag")
        /// The arguments after the tag have the wrong count or types.
        public static let invalidArguments = Code("invalidArguments")
        /// The arguments are well-formed but cannot hold (an empty validity window, an empty list).
        public static let invalidValue = Code("invalidValue")
    }
}
