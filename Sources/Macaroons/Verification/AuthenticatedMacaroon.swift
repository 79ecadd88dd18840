/// A macaroon that passed the request-independent steps of a ``MacaroonVerifier``'s
/// order (its signature chain and discharges, its location, third-party trust): only
/// its first-party caveats remain, evaluated by ``MacaroonVerifier/evaluate(_:in:)``.
///
/// For servers that authenticate a request before they know what it acts on (a
/// middleware, before the body is read), then check the caveats against the request
/// without walking the signature chain again. Only ``MacaroonVerifier/authenticate(_:key:discharges:)``
/// creates one, so caveats are never evaluated for a macaroon whose signature did not verify.
public struct AuthenticatedMacaroon: Sendable {
    /// The macaroon and its discharges, signatures verified.
    public let verified: VerifiedMacaroon

    @usableFromInline
    init(_ verified: VerifiedMacaroon) {
        self.verified = verified
    }
}

extension MacaroonVerifier {
    /// The outcome of ``authenticate(_:key:discharges:)``.
    public enum Authentication: Sendable {
        /// Steps 1 to 3 passed: the caveats remain.
        case authenticated(AuthenticatedMacaroon)
        /// Denied, with every reason found (a failed signature or location ends it).
        case denied([DenialReason])
    }

    /// Steps 1 to 3 of the order (`VerificationOrder`): the signature chains, the
    /// location, third-party trust. No caveat is evaluated.
    ///
    /// `verify(_:key:discharges:in:)` is `authenticate` followed by ``evaluate(_:in:)``,
    /// in one call.
    @inlinable
    public func authenticate(_ macaroon: Macaroon, key: MacaroonKey, discharges: [Macaroon] = []) -> Authentication {
        var verified: VerifiedMacaroon?
        let verdict = VerificationOrder.decide(
            requiredLocation: location, trustedThirdPartyLocations: trustedThirdPartyLocations,
            signatures: { () -> MacaroonError? in
                do throws(MacaroonError) {
                    verified = try macaroon.verifySignature(key: key, discharges: discharges, limits: limits)
                    return nil
                } catch {
                    return error
                }
            },
            location: { expected in Self.location(of: macaroon, differingFrom: expected) },
            thirdPartyCaveats: { trusted, reasons in
                Self.rejectUntrustedThirdPartyCaveats(of: macaroon, discharges: discharges, trusted: trusted, into: &reasons)
            },
            firstPartyCaveats: { _ in })
        guard case .allowed = verdict, let verified else { return .denied(verdict.reasons) }
        return .authenticated(AuthenticatedMacaroon(verified))
    }

    /// Step 4 of the order: every first-party caveat of an authenticated macaroon (root,
    /// then discharges) in `context`, by the policy. The signatures are not walked again.
    @inlinable
    public func evaluate(_ macaroon: AuthenticatedMacaroon, in context: Policy.Context) -> Verdict {
        VerificationOrder.decide(
            requiredLocation: nil, trustedThirdPartyLocations: nil,
            signatures: { nil },
            location: { _ in nil },
            thirdPartyCaveats: { _, _ in },
            firstPartyCaveats: { reasons in
                for (index, caveat) in macaroon.verified.firstPartyCaveats.enumerated() {
                    VerificationOrder.note(policy.evaluate(caveat, in: context), caveatIndex: index, in: &reasons)
                }
            })
    }
}
