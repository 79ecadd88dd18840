/// What a ``CaveatPolicy`` says about one caveat.
public enum CaveatEvaluation: Sendable, Hashable {
    /// The caveat is satisfied in the context.
    case satisfied
    /// The caveat is not satisfied, or cannot be read, with the reason (the
    /// verifier fills in ``DenialReason/caveatIndex``).
    case failed(DenialReason)

    /// Not satisfied (``DenialReason/Code/caveatNotSatisfied``), with a sentence the user can act on.
    public static func notSatisfied(_ message: String) -> CaveatEvaluation {
        .failed(DenialReason(.caveatNotSatisfied, message))
    }
}
