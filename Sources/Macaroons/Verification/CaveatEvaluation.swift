/// What a ``CaveatPolicy`` says about one caveat.
public enum CaveatEvaluation: Sendable, Hashable {
    /// The caveat is satisfied in the context.
    case satisfied
    /// The caveat is not satisfied, or cannot be read, with the reason (the
    /// verifier fills in ``DenialReason/caveatIndex``).
    ///
    /// Indirect, so that a `CaveatEvaluation` is one word: the satisfied case,
    /// the common one, costs nothing to return and test.
    indirect case failed(DenialReason)

    /// Not satisfied (``DenialReason/Code/caveatNotSatisfied``), with a sentence the user can act on.
    public static func notSatisfied(_ message: String) -> CaveatEvaluation {
        .failed(DenialReason(.caveatNotSatisfied, message))
    }
}
