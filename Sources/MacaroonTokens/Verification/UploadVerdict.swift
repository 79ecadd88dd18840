public import Macaroons

/// The answer to an upload request: the core `Verdict`, allowed, or
/// denied with every reason.
///
/// `.allowed` answers one question: does the token, signed with the key you
/// gave, permit the request *as you described it*? It is not authorisation on
/// its own:
/// - The request's identity is whatever you put in it. Take it from your own
///   record of the token (its stored owner), never from the caller: a token
///   without a user caveat is allowed for any identity.
/// - A token without project caveats is allowed for every project. Check
///   separately that the owner may upload to the project, as Warehouse does
///   after the caveats.
/// - The location check, when set, compares a field that is not signed.
public typealias UploadVerdict = Verdict

extension DenialReason.Code {
    /// The token (or header) cannot be parsed, or has another service's prefix. Ends verification.
    public static let malformedToken = DenialReason.Code("malformedToken")
    /// No key is stored for the token's identifier: unknown or revoked. Ends verification.
    public static let unknownIdentifier = DenialReason.Code("unknownIdentifier")
    /// The token's owner may not use its tokens (a ``TokenOwnerPolicy`` said so).
    public static let ownerDisabled = DenialReason.Code("ownerDisabled")
}
