public import Macaroons
import _MacaroonInternals

/// The legacy `{"version":1,"permissions":"user"}` caveat of tokens minted
/// before 2022: the request must be made by a user (any user; these tokens
/// predate user restrictions). A trusted publisher fails it.
public struct LegacyUserCaveat: UploadCaveat, Hashable {
    /// Passes for any user.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        guard case .user? = request.identity else { return .notSatisfied("token with user restriction without a user") }
        return .satisfied
    }

    /// `legacy_user`, no fields.
    public var details: CaveatDetails { CaveatDetails(kind: "legacy_user") }

    /// `any user (legacy)`.
    public var summary: String { "any user (legacy user-scoped token)" }
}
