import Macaroons

/// The error type of `MacaroonTokens`: a token, header or caveat argument that
/// is not acceptable, with what was wrong.
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

    /// The kinds of ``TokenError``.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The token has no `prefix-` part.
        case missingPrefix
        /// The prefix is not `[a-z0-9]+`.
        case invalidPrefix
        /// The prefix is not the service's.
        case wrongPrefix
        /// The part after the prefix is not canonical base64url (no padding, no whitespace, zero spare bits).
        case invalidBase64
        /// The bytes are not a valid v2 binary macaroon.
        case invalidMacaroon
        /// The Authorization header is malformed or uses another scheme or username.
        case invalidAuthorizationHeader
        /// A caveat given to the minting or restricting API is invalid (e.g. an empty project list).
        case invalidCaveat
    }
}
