/// The caveats a verifier understands and how it decides them: the one
/// extension point of ``MacaroonVerifier``.
///
/// A policy sees only first-party caveats of macaroons whose signatures (and
/// discharges) already verified, one at a time, with the context of the request
/// (`Void` when the caveats depend on nothing but themselves). It answers
/// satisfied, or failed with a reason; the verifier evaluates every caveat and
/// reports every reason.
///
/// Two policies ship with the package: ``CaveatPredicates`` (exact and general
/// predicates, like libmacaroons' `satisfy_exact` and `satisfy_general`;
/// context `Void`) and, in `MacaroonTokens`, PyPI's caveat language (context:
/// the upload request).
public protocol CaveatPolicy<Context>: Sendable {
    /// What a caveat is evaluated against (the request, the time); `Void` for none.
    associatedtype Context

    /// Evaluates one first-party caveat identifier.
    func evaluate(_ caveat: ArraySlice<UInt8>, in context: Context) -> CaveatEvaluation

    /// Evaluates a caveat identifier held in borrowed memory (the one-pass
    /// verifier's decoding buffer), valid only during the call.
    ///
    /// The default copies the bytes into an array for ``evaluate(_:in:)``;
    /// a policy that can decide from the bytes in place implements this too.
    func evaluate(borrowing caveat: UnsafeRawBufferPointer, in context: Context) -> CaveatEvaluation
}

extension CaveatPolicy {
    /// Copies the bytes and calls ``evaluate(_:in:)``.
    public func evaluate(borrowing caveat: UnsafeRawBufferPointer, in context: Context) -> CaveatEvaluation {
        evaluate(Array(caveat)[...], in: context)
    }
}
