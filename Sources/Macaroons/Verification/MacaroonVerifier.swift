import _MacaroonInternals

/// Verifies macaroons: signatures and discharges first, then every
/// first-party caveat by a ``CaveatPolicy``, answering ``Verdict/allowed`` or
/// ``Verdict/denied(_:)`` with every reason.
///
/// The one verifier of the package. Generic macaroons use it with
/// ``CaveatPredicates``; `MacaroonTokens`' `UploadTokenVerifier` wraps one
/// whose policy is PyPI's caveat language. A value type, `Sendable`, safe to
/// share across tasks: build one at start-up.
///
/// ```swift
/// let verifier = MacaroonVerifier(predicates: [.exact("account = 3735928559")])
/// let verdict = verifier.verify(macaroon, key: MacaroonKey(derivingFrom: secret))
/// ```
///
/// The order, written once in `VerificationOrder` (VerificationOrder.swift):
/// 1. the signature chain of the root and of every discharge, in constant time
///    (a failure ends verification: ``DenialReason/Code/invalidSignature``);
/// 2. the root's ``location``, when one is required (a mismatch ends
///    verification: ``DenialReason/Code/wrongLocation``);
/// 3. each third-party caveat's location against ``trustedThirdPartyLocations``;
/// 4. every first-party caveat of the root and its discharges, by the policy.
public struct MacaroonVerifier<Policy: CaveatPolicy>: Sendable {
    /// How caveats are decided.
    public var policy: Policy
    /// The limits applied to decoding and to discharges.
    public var limits: MacaroonLimits
    /// If set, the root macaroon's location must be exactly these bytes.
    ///
    /// The location is not covered by the signature: the check catches a token
    /// sent to the wrong service by mistake, not an attacker, who can rewrite it.
    public var location: [UInt8]?
    /// The third-party locations whose caveats are accepted (each still needs
    /// its bound discharge); `nil` accepts any location.
    public var trustedThirdPartyLocations: Set<[UInt8]>?

    /// A verifier deciding caveats by `policy`.
    public init(
        policy: Policy, limits: MacaroonLimits = .default, location: [UInt8]? = nil, trustedThirdPartyLocations: Set<[UInt8]>? = nil
    ) {
        self.policy = policy
        self.limits = limits
        self.location = location
        self.trustedThirdPartyLocations = trustedThirdPartyLocations
    }

    /// Verifies `macaroon` and its discharges (already bound to it) in `context`.
    ///
    /// Inlinable, so that it is specialized for the caller's policy.
    @inlinable
    public func verify(_ macaroon: Macaroon, key: MacaroonKey, discharges: [Macaroon] = [], in context: Policy.Context) -> Verdict {
        VerificationOrder.decide(
            requiredLocation: location, trustedThirdPartyLocations: trustedThirdPartyLocations,
            signatures: { () -> MacaroonError? in
                do throws(MacaroonError) {
                    try macaroon.verifySignatureChains(key: key, discharges: discharges, limits: limits)
                    return nil
                } catch {
                    return error
                }
            },
            location: { expected in Self.location(of: macaroon, differingFrom: expected) },
            thirdPartyCaveats: { trusted, reasons in
                Self.rejectUntrustedThirdPartyCaveats(of: macaroon, discharges: discharges, trusted: trusted, into: &reasons)
            },
            firstPartyCaveats: { reasons in
                // Called only once the signatures verified.
                for (index, caveat) in FirstPartyCaveats(root: macaroon, discharges: discharges).enumerated() {
                    VerificationOrder.note(policy.evaluate(caveat, in: context), caveatIndex: index, in: &reasons)
                }
            })
    }

    /// The macaroon's location when it is not exactly the bytes `expected`, else `nil`.
    @usableFromInline
    static func location(of macaroon: Macaroon, differingFrom expected: UnsafeRawBufferPointer) -> ArraySlice<UInt8>? {
        macaroon.location.withUnsafeBytes { $0.hasSameBytes(as: expected) } ? nil : macaroon.location
    }

    /// Appends a reason for every third-party caveat of `root` and its `discharges` whose location is not in `trusted`.
    @usableFromInline
    static func rejectUntrustedThirdPartyCaveats(
        of root: Macaroon, discharges: [Macaroon], trusted: Set<[UInt8]>, into reasons: inout [DenialReason]
    ) {
        for index in -1..<discharges.count {
            let macaroon = index < 0 ? root : discharges[index]
            for case .thirdParty(let identifier, _, let location) in macaroon.caveats where !trusted.contains(Array(location)) {
                reasons.append(DenialReason(
                    .thirdPartyCaveatNotAccepted,
                    "third-party caveat \(Printable.bytes(identifier)) at \(Printable.bytes(location)) is not accepted by this service"))
            }
        }
    }
}

extension MacaroonVerifier where Policy.Context == Void {
    /// Verifies `macaroon` and its discharges (already bound to it).
    public func verify(_ macaroon: Macaroon, key: MacaroonKey, discharges: [Macaroon] = []) -> Verdict {
        verify(macaroon, key: key, discharges: discharges, in: ())
    }

    /// Decodes and verifies a macaroon in one pass (see ``verify(encoded:key:in:)``).
    @inlinable
    public func verify(encoded input: some Collection<UInt8>, key: MacaroonKey) throws(MacaroonError) -> Verdict {
        try verify(encoded: input, key: key, in: ())
    }
}

extension MacaroonVerifier where Policy == CaveatPredicates {
    /// A verifier that accepts a caveat when any of `predicates` does.
    public init(predicates: [CaveatPredicate], limits: MacaroonLimits = .default) {
        self.init(policy: CaveatPredicates(predicates), limits: limits)
    }
}
