/// A verifier's answer: allowed, or denied with every reason found.
public enum Verdict: Sendable, Hashable {
    /// The signatures verified and every caveat is satisfied.
    case allowed
    /// Denied, with every reason found (every caveat is evaluated unless the
    /// signature or the location already failed).
    case denied([DenialReason])

    /// Whether the verdict is ``allowed``.
    @inlinable
    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }

    /// The reasons for a denial (empty when allowed).
    public var reasons: [DenialReason] {
        if case .denied(let reasons) = self { return reasons }
        return []
    }
}
