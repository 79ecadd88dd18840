/// The answer to an upload request: allowed, or denied with every reason.
public enum UploadVerdict: Sendable, Hashable {
    /// The signature verified and every caveat is satisfied.
    case allowed
    /// Denied, with every reason found (all caveats are evaluated).
    case denied([DenialReason])

    /// Whether the request is allowed.
    public var isAllowed: Bool { self == .allowed }

    /// The reasons for a denial (empty when allowed).
    public var reasons: [DenialReason] {
        if case .denied(let reasons) = self { return reasons }
        return []
    }
}

/// Why a request was denied.
public struct DenialReason: Sendable, Hashable, CustomStringConvertible {
    /// The kind of reason.
    public let code: Code
    /// A sentence a user can act on.
    public let message: String
    /// The index of the caveat concerned among the token's first-party caveats (then its discharges'), if any.
    public let caveatIndex: Int?

    /// Creates a reason.
    public init(_ code: Code, _ message: String, caveatIndex: Int? = nil) {
        self.code = code
        self.message = message
        self.caveatIndex = caveatIndex
    }

    /// The message.
    public var description: String { message }

    /// The kinds of denial. The first four end verification before any caveat is read.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The token (or header) cannot be parsed.
        case malformedToken
        /// No key is stored for the token's identifier: unknown or revoked.
        case unknownIdentifier
        /// The signature chain does not verify (wrong key, tampering, or a bad discharge).
        case invalidSignature
        /// The token's location is not this service's.
        case wrongLocation
        /// The token has a third-party caveat and the verifier accepts none (or not from that location).
        case thirdPartyCaveatNotAccepted
        /// A caveat cannot be decoded: malformed, unknown tag, wrong types.
        case invalidCaveat
        /// A caveat is not satisfied by the request.
        case caveatNotSatisfied
        /// The token's owner may not use its tokens (a ``TokenOwnerPolicy`` said so).
        case ownerDisabled
    }
}
