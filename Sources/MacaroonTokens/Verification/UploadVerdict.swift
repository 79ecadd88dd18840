public import Macaroons

/// The answer to an upload request: the core ``Macaroons/Verdict``, allowed or
/// denied with every reason.
///
/// `.allowed` means that the token is genuine (its signature verified with the
/// key stored for its identifier) and that every caveat holds for the request
/// as given. It says nothing about whether the request's identity may upload to
/// the project: take the identity from your own token record and check the
/// project's permissions separately.
public typealias UploadVerdict = Verdict

extension DenialReason.Code {
    /// The token (or header) cannot be parsed. Ends verification.
    public static let malformedToken = DenialReason.Code("malformedToken")
    /// No key is stored for the token's identifier: unknown or revoked. Ends verification.
    public static let unknownIdentifier = DenialReason.Code("unknownIdentifier")
}
