public import Macaroons
import _MacaroonInternals

/// Tag 3, `[3,"user-id"]`: the request is made by this user (the same UTF-8 bytes).
public struct RequestUserCaveat: TaggedUploadCaveat, Hashable {
    /// `3`.
    public static let tag = 3
    /// The user id.
    public let userID: String

    /// Restricts to one user.
    public init(userID: String) throws(CaveatError) {
        guard !userID.isEmpty else { throw CaveatError(.invalidValue, "the user id must not be empty") }
        self.userID = userID
    }

    /// Decodes `["user-id"]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        userID = try arguments.string(at: 0, named: "user id")
    }

    /// `["user-id"]`.
    public var arguments: [CaveatArgument] { [.string(userID)] }

    /// Passes when the request is made by the user.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        guard case .user(let id)? = request.identity else { return .notSatisfied("token with user restriction without a user") }
        guard UTF8Text.equal(id, userID) else { return .notSatisfied("current user does not match user restriction in token") }
        return .satisfied
    }

    /// `user`: `user_id`.
    public var details: CaveatDetails { CaveatDetails(kind: "user", fields: [.init("user_id", .string(userID))]) }

    /// `user: …` (escaped).
    public var summary: String { "user: " + CaveatSummary.item(userID) }

    /// Equal when the user ids are the same UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool { UTF8Text.equal(lhs.userID, rhs.userID) }

    /// Hashes the user id's UTF-8 bytes.
    public func hash(into hasher: inout Hasher) { UTF8Text.hash(userID, into: &hasher) }
}
