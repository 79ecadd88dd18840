#if TrustedPublishing
import Foundation
import MacaroonTokens

/// An answer of the trusted-publishing endpoints: an HTTP status and a JSON body,
/// for any web framework to send as is (`Content-Type: application/json`).
public struct ExchangeResponse: Sendable, CustomStringConvertible {
    /// The HTTP status: 200, or 422 for a refused request (Warehouse's status).
    public let status: Int
    /// The JSON body. It may hold a token: never log it.
    public let body: [UInt8]
    /// The token stored by a successful mint (never its text or key), for audit logs.
    public let minted: TokenInfo?
    /// The errors of a refusal, as in ``body``.
    public let errors: [ExchangeError]
    /// For the log only, never sent: why the ID token failed verification, which the
    /// client is told only as "malformed or invalid token" (no token text in it; claims escaped).
    public let logReason: String?

    init(status: Int, json: [String: Any], minted: TokenInfo? = nil, errors: [ExchangeError] = [], logReason: String? = nil) {
        self.status = status
        self.body = Array((try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        self.minted = minted
        self.errors = errors
        self.logReason = logReason
    }

    /// A refusal in Warehouse's shape: status 422, `{"message": …, "errors": [{"code", "description"}]}`.
    static func refused(_ message: String, _ errors: [ExchangeError], logReason: String? = nil) -> ExchangeResponse {
        ExchangeResponse(
            status: 422,
            json: ["message": message, "errors": errors.map { ["code": $0.code, "description": $0.description] }],
            errors: errors, logReason: logReason)
    }

    /// The status and error codes; never the body (it may hold a token).
    public var description: String {
        "ExchangeResponse(status: \(status), errors: \(errors.map(\.code)))"
    }
}

/// One entry of a refusal's `errors`: Warehouse's code and description.
public struct ExchangeError: Sendable, Hashable {
    /// `invalid-payload`, `invalid-token`, `invalid-publisher`, `invalid-reuse-token`.
    public let code: String
    /// A sentence for the client (twine and uv print it).
    public let description: String

    /// An error.
    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}
#endif
