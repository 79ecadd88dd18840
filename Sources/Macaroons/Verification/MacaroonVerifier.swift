/// A test that a first-party caveat must pass.
///
/// Like libmacaroons' `satisfy_exact` and `satisfy_general`: a caveat is
/// satisfied when it equals an exact predicate or a general predicate accepts it.
public struct CaveatPredicate: Sendable {
    enum Kind: Sendable {
        case exact(ArraySlice<UInt8>)
        case general(@Sendable (ArraySlice<UInt8>) -> Bool)
    }

    let kind: Kind

    /// Accepts exactly the caveat `bytes`.
    public static func exact(_ bytes: some Collection<UInt8>) -> CaveatPredicate {
        CaveatPredicate(kind: .exact(ArraySlice(bytes)))
    }

    /// Accepts exactly the caveat whose UTF-8 bytes are `text`.
    public static func exact(_ text: String) -> CaveatPredicate {
        .exact(text.utf8)
    }

    /// Accepts every caveat for which `test` returns `true`.
    public static func general(_ test: @escaping @Sendable (ArraySlice<UInt8>) -> Bool) -> CaveatPredicate {
        CaveatPredicate(kind: .general(test))
    }
}

/// Verifies generic macaroons: the signature chain first, then every
/// first-party caveat against a fixed set of predicates.
///
/// A value type, `Sendable`, safe to share across tasks.
///
/// ```swift
/// let verifier = MacaroonVerifier(predicates: [.exact("account = 3735928559")])
/// try verifier.verify(macaroon, key: MacaroonKey(derivingFrom: secret))
/// ```
public struct MacaroonVerifier: Sendable {
    private let exactCaveats: ExactPredicateTable
    private let generalPredicates: [@Sendable (ArraySlice<UInt8>) -> Bool]
    /// The limits applied to discharges.
    public let limits: MacaroonLimits

    /// A verifier that accepts a caveat when any of `predicates` does.
    public init(predicates: [CaveatPredicate], limits: MacaroonLimits = .default) {
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
        self.limits = limits
    }

    /// Whether a predicate accepts `caveat`.
    public func isSatisfied(_ caveat: ArraySlice<UInt8>) -> Bool {
        caveat.withUnsafeBytes { isSatisfied($0) { caveat } }
    }

    /// Whether a predicate accepts `caveat`; `slice` makes the array slice a
    /// general predicate needs, only when one must run.
    func isSatisfied(_ caveat: UnsafeRawBufferPointer, slice: () -> ArraySlice<UInt8>) -> Bool {
        if exactCaveats.contains(caveat) { return true }
        guard !generalPredicates.isEmpty else { return false }
        let bytes = slice()
        return generalPredicates.contains { $0(bytes) }
    }

    /// Verifies the signatures of `macaroon` and its discharges, then checks
    /// every first-party caveat of all of them.
    ///
    /// - Throws: ``MacaroonError`` with ``MacaroonError/Code/signatureMismatch``
    ///   (or another signature-stage code) before any predicate has run, or
    ///   ``MacaroonError/Code/caveatNotSatisfied`` naming the first caveat no predicate accepted.
    public func verify(_ macaroon: Macaroon, key: MacaroonKey, discharges: [Macaroon] = []) throws(MacaroonError) {
        let verified = try macaroon.verifySignature(key: key, discharges: discharges, limits: limits)
        for caveat in verified.firstPartyCaveats where !isSatisfied(caveat) {
            throw .caveatNotSatisfied(caveat)
        }
    }
}

