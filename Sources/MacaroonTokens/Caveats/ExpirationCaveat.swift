public import Macaroons
import _MacaroonInternals

/// Tag 0, `[0,expires_at,not_before]`: the token is valid when
/// `not_before <= now < expires_at` (Unix seconds).
public struct ExpirationCaveat: TaggedUploadCaveat, Hashable {
    /// `0`.
    public static let tag = 0
    /// The first second at which the token is no longer valid.
    public let expiresAt: Int64
    /// The first second at which the token is valid.
    public let notBefore: Int64

    /// A validity window.
    ///
    /// - Throws: ``CaveatError`` unless `notBefore < expiresAt`.
    public init(expiresAt: Int64, notBefore: Int64) throws(CaveatError) {
        guard notBefore < expiresAt else {
            throw CaveatError(.invalidValue, "the validity window is empty: not_before \(notBefore) is not before expires_at \(expiresAt)")
        }
        self.expiresAt = expiresAt
        self.notBefore = notBefore
    }

    /// Decodes `[expires_at, not_before]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(2)
        try self.init(expiresAt: arguments.integer(at: 0, named: "expires_at"),
                      notBefore: arguments.integer(at: 1, named: "not_before"))
    }

    /// `[expires_at, not_before]`.
    public var arguments: [CaveatArgument] { [.integer(expiresAt), .integer(notBefore)] }

    /// Expired and not-yet-valid get different reasons.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        if request.now >= expiresAt { return .notSatisfied("token is expired (expired at \(UnixTime.format(expiresAt)))") }
        if request.now < notBefore { return .notSatisfied("token is not yet valid (valid from \(UnixTime.format(notBefore)))") }
        return .satisfied
    }

    /// `expiration`: `expires_at`, `not_before`.
    public var details: CaveatDetails {
        CaveatDetails(kind: "expiration", fields: [.init("expires_at", .integer(expiresAt)), .init("not_before", .integer(notBefore))])
    }

    /// `expires … (in 3 days); valid from …`.
    public func summary(now: Int64) -> String {
        "expires \(UnixTime.format(expiresAt)) (\(UnixTime.relative(expiresAt, now: now))); valid from \(UnixTime.format(notBefore))"
    }

    /// `valid from … until …`.
    public var summary: String { "valid from \(UnixTime.format(notBefore)) until \(UnixTime.format(expiresAt))" }
}
