import Macaroons

/// The answer to an upload request: allowed, or denied with every reason.
///
/// ``allowed`` answers one question: does the token, signed with the key you
/// gave, permit the request *as you described it*? It is not authorisation on
/// its own:
/// - The request's identity is whatever you put in it. Take it from your own
///   record of the token (its stored owner), never from the caller: a token
///   without a user caveat is allowed for any identity.
/// - A token without project caveats is allowed for every project. Check
///   separately that the owner may upload to the project, as Warehouse does
///   after the caveats.
/// - The location check, when set, compares a field that is not signed.
public enum UploadVerdict: Sendable, Hashable {
    /// The signature verified with the key given, and every caveat is
    /// satisfied by the request given; see the type's discussion for what that
    /// does not establish.
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

    /// Creates a reason. Characters in `message` that could act on a terminal
    /// or a log are escaped, and it is cut at 2 KiB (caveat messages echo input).
    public init(_ code: Code, _ message: String, caveatIndex: Int? = nil) {
        self.code = code
        self.message = Printable.message(message)
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
    }
}
