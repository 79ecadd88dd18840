public import Macaroons
import _MacaroonInternals

/// The error type of `MacaroonTokens`: a token or header that is not
/// acceptable, with what was wrong.
///
/// Compare ``code`` to match a kind of failure; ``detail`` is prose for people
/// and may change between releases.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public let code: Code
    /// A sentence for people saying what was wrong.
    public let detail: String
    /// The underlying macaroon decoding error, when there is one.
    public let underlying: MacaroonError?

    /// Creates an error. Characters in `detail` that could act on a terminal
    /// or a log are escaped, and it is cut at 2 KiB (details echo input).
    public init(_ code: Code, detail: String, underlying: MacaroonError? = nil) {
        self.code = code
        self.detail = Printable.message(detail)
        self.underlying = underlying
    }

    /// `code: detail`.
    public var description: String { "\(code): \(detail)" }

    /// The kinds of ``TokenError``, as static members (new kinds may be added).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The name of the code, e.g. `wrongPrefix`.
        public var description: String { name }

        /// The token has no `prefix-` part.
        public static let missingPrefix = Code("missingPrefix")
        /// The prefix is not `[a-z0-9]+`.
        public static let invalidPrefix = Code("invalidPrefix")
        /// The prefix is not the service's.
        public static let wrongPrefix = Code("wrongPrefix")
        /// The part after the prefix is not canonical base64url (no padding, no whitespace, zero spare bits).
        public static let invalidBase64 = Code("invalidBase64")
        /// The bytes are not a valid v2 binary macaroon.
        public static let invalidMacaroon = Code("invalidMacaroon")
        /// The Authorization header is malformed or uses another scheme or username.
        public static let invalidAuthorizationHeader = Code("invalidAuthorizationHeader")
        /// A caveat given to the minting or restricting API is invalid (e.g. an empty project list).
        public static let invalidCaveat = Code("invalidCaveat")
    }
}
