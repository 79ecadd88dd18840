import _MacaroonInternals

/// The ``CaveatPolicy`` of generic macaroons: a caveat is satisfied when one
/// of a fixed set of predicates accepts it; the context is `Void`.
///
/// Exact predicates are looked up in a hash table built once, so a caveat
/// costs one pass over its bytes whatever the number of predicates; general
/// predicates run only for caveats that no exact predicate matched.
///
/// ```swift
/// let verifier = MacaroonVerifier(predicates: [.exact("account = 3735928559")])
/// ```
public struct CaveatPredicates: CaveatPolicy {
    @usableFromInline let exactCaveats: ExactPredicateTable
    @usableFromInline let generalPredicates: [@Sendable (ArraySlice<UInt8>) -> Bool]

    /// A policy that accepts a caveat when any of `predicates` does.
    public init(_ predicates: [CaveatPredicate]) {
        var exact: [ArraySlice<UInt8>] = []
        var general: [@Sendable (ArraySlice<UInt8>) -> Bool] = []
        for predicate in predicates {
            switch predicate.kind {
            case .exact(let bytes): exact.append(bytes)
            case .general(let test): general.append(test)
            }
        }
        exactCaveats = ExactPredicateTable(exact)
        generalPredicates = general
    }

    /// Satisfied when a predicate accepts `caveat`.
    public func evaluate(_ caveat: ArraySlice<UInt8>, in context: Void) -> CaveatEvaluation {
        caveat.withUnsafeBytes { decide($0) { caveat } }
    }

    /// Satisfied when a predicate accepts `caveat`; copies the bytes only when a general predicate must run.
    ///
    /// Inlinable, so that the exact-predicate lookup of the one-pass path runs in the caller's specialization.
    @inlinable
    public func evaluate(borrowing caveat: UnsafeRawBufferPointer, in context: Void) -> CaveatEvaluation {
        if exactCaveats.contains(caveat) { return .satisfied }
        return decide(caveat) { Array(caveat)[...] }
    }

    @usableFromInline
    func decide(_ caveat: UnsafeRawBufferPointer, slice: () -> ArraySlice<UInt8>) -> CaveatEvaluation {
        if exactCaveats.contains(caveat) { return .satisfied }
        if !generalPredicates.isEmpty {
            let bytes = slice()
            if generalPredicates.contains(where: { $0(bytes) }) { return .satisfied }
        }
        return .notSatisfied("no predicate accepts caveat \(Printable.bytes(Array(caveat)[...]))")
    }
}
