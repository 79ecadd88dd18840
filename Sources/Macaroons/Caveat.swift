/// A condition appended to a macaroon.
///
/// Byte fields are slices of the buffer the macaroon was decoded from, so
/// decoding copies nothing; like every `ArraySlice`, their indices need not
/// start at zero.
public enum Caveat: Sendable, Hashable {
    /// A condition the target service checks itself (a predicate such as `[1,["foo"]]`).
    case firstParty(identifier: ArraySlice<UInt8>)

    /// A condition checked by another service, which proves it with a discharge macaroon.
    ///
    /// - Parameters:
    ///   - identifier: what the third party reads to know what to check and with which key.
    ///   - verificationID: the caveat key, sealed under the signature that preceded the caveat.
    ///   - location: a hint where the third party is (may be empty).
    case thirdParty(identifier: ArraySlice<UInt8>, verificationID: ArraySlice<UInt8>, location: ArraySlice<UInt8>)

    /// The caveat identifier (`cid`).
    public var identifier: ArraySlice<UInt8> {
        switch self {
        case .firstParty(let identifier), .thirdParty(let identifier, _, _):
            return identifier
        }
    }

    /// Whether a third party must discharge this caveat.
    public var isThirdParty: Bool {
        if case .thirdParty = self { return true }
        return false
    }
}
