public import Macaroons
import _MacaroonInternals

/// A first-party caveat decoded once, ahead of the requests it is evaluated against:
/// the caveat, or the reason it cannot be decoded (which then fails every request).
///
/// ``CaveatLanguage/evaluate(_:in:)`` is ``CaveatLanguage/prepare(_:)`` followed by
/// ``evaluate(_:)``, so a caveat prepared once and evaluated later answers exactly as
/// evaluating its bytes would. An ``AuthenticatedStoredToken`` kept to authorize many requests
/// holds its caveats prepared (`UploadTokenVerifier.preparingCaveats(of:)`).
package enum PreparedCaveat: Sendable {
    /// Decoded.
    case caveat(any UploadCaveat)
    /// Not decodable: `DenialReason.Code.invalidCaveat`.
    case invalid(DenialReason)

    /// The caveat's evaluation against `request`.
    package func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        switch self {
        case .caveat(let caveat): caveat.evaluate(request)
        case .invalid(let reason): .failed(reason)
        }
    }
}

extension CaveatLanguage {
    /// Decodes a caveat for evaluation: what ``evaluate(_:in:)`` evaluates.
    package func prepare(_ caveat: ArraySlice<UInt8>) -> PreparedCaveat {
        do {
            return .caveat(try decode(caveat))
        } catch {
            return .invalid(DenialReason(.invalidCaveat, "invalid caveat \(Printable.bytes(caveat)): \(error.detail)", underlying: error.underlying))
        }
    }
}
