#if Hummingbird || Vapor
import Macaroons
import MacaroonTokens

/// An HTTP answer refusing a request, as Warehouse (PyPI) gives it; the framework
/// adapters render it unchanged.
///
/// - 401 with `WWW-Authenticate` when the request has no credentials;
/// - 403 `Invalid API Token: <every reason>` for a token that does not verify or
///   is not valid for the request (in the body and as the status line's reason
///   phrase, which twine prints);
/// - 503 when the token store (or the owner policy) fails: never an allow, never a deny.
///
/// ``description`` names the status and the reason codes only: it is safe to log,
/// whereas ``message`` may echo what the client sent in place of a token.
public struct TokenRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code: 401, 403 or 503.
    public let statusCode: Int
    /// The status line's reason phrase: ``message`` in printable ASCII, at most 512 bytes.
    public let reasonPhrase: String
    /// The whole message for the client (the plain-text body).
    public let message: String
    /// Headers to add, e.g. `WWW-Authenticate` for a 401.
    public let headers: [Header]
    /// Every reason for a 403, in order; empty for 401 and 503.
    public let reasons: [DenialReason]

    /// An HTTP header field.
    public struct Header: Sendable, Hashable {
        /// The field name.
        public let name: String
        /// The field value.
        public let value: String
    }

    /// The body's media type.
    public static let contentType = "text/plain; charset=utf-8"

    /// The message Warehouse prefixes to every reason a token is refused for.
    public static let invalidTokenPrefix = "Invalid API Token: "

    /// The `WWW-Authenticate` challenge of a 401: Basic, as twine and pip answer it.
    public static let challenge = "Basic realm=\"upload\""

    /// 401: no `Authorization` header (or no authenticated token where a handler needs one).
    public static let missingCredentials = TokenRefusal(
        status: 401, message: "Invalid or non-existent authentication information.",
        headers: [Header(name: "WWW-Authenticate", value: challenge)], reasons: [])

    /// 403: the token is refused, for every reason given.
    static func invalidToken(_ reasons: [DenialReason]) -> TokenRefusal {
        TokenRefusal(
            status: 403, message: invalidTokenPrefix + reasons.map(\.message).joined(separator: "; "),
            headers: [], reasons: reasons)
    }

    /// 503: the token store or the owner policy failed.
    static let unavailable = TokenRefusal(
        status: 503, message: "The token service is unavailable; try again later.", headers: [], reasons: [])

    private init(status: Int, message: String, headers: [Header], reasons: [DenialReason]) {
        self.statusCode = status
        self.message = message
        self.reasonPhrase = Self.reasonPhrase(message)
        self.headers = headers
        self.reasons = reasons
    }

    /// The status and the reason codes: no client-supplied text.
    public var description: String {
        reasons.isEmpty ? "TokenRefusal(\(statusCode))" : "TokenRefusal(\(statusCode): \(reasons.map(\.code.description).joined(separator: ", ")))"
    }

    /// `message` as an HTTP/1.1 reason phrase: control characters become spaces and other
    /// bytes outside printable ASCII become `?` (no header injection, no mojibake), capped at 512 bytes.
    static func reasonPhrase(_ message: String) -> String {
        let limit = 512
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(message.utf8.count, limit))
        for scalar in message.unicodeScalars {
            if bytes.count == limit {
                bytes.replaceSubrange((limit - 3)..., with: Array("...".utf8))
                break
            }
            switch scalar.value {
            case 0x20..<0x7F: bytes.append(UInt8(scalar.value))
            case 0..<0x20, 0x7F: bytes.append(UInt8(ascii: " "))
            default: bytes.append(UInt8(ascii: "?"))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
#endif
