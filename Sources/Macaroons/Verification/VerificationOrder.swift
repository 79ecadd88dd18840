/// The order in which every macaroon is verified, written here and nowhere else:
///
/// 1. the signature chain of the root and of every discharge, in constant time
///    (a failure ends verification: ``DenialReason/Code/invalidSignature``);
/// 2. the root's location, when one is required (a mismatch ends
///    verification: ``DenialReason/Code/wrongLocation``);
/// 3. each third-party caveat's location against the trusted ones;
/// 4. every first-party caveat of the root and its discharges, by the policy.
///
/// Non-generic, so the one-pass path compiles it once; inlinable, so the
/// two-step path is specialized with it for the caller's policy.
@usableFromInline
package enum VerificationOrder {
    /// Runs the order; the two-step path (`MacaroonVerifier.verify(_:key:discharges:in:)`)
    /// and the one-pass path (`OnePassVerification`) supply the steps for their representation.
    ///
    /// - Parameters:
    ///   - requiredLocation: the location the root must have, if any.
    ///   - trustedThirdPartyLocations: the trusted third-party locations; `nil` trusts any.
    ///   - signatures: verifies the root's chain and its discharges; the error, or `nil`.
    ///   - location: the root's location when it differs from the expected bytes, else `nil`.
    ///   - thirdPartyCaveats: appends a reason for every third-party caveat not at a trusted location.
    ///   - firstPartyCaveats: has the policy evaluate every first-party caveat, in order, and
    ///     notes each failure in the reasons (``note(_:caveatIndex:in:)``).
    @inlinable @inline(__always)
    static func decide(
        requiredLocation: [UInt8]?, trustedThirdPartyLocations: Set<[UInt8]>?,
        signatures: () -> MacaroonError?,
        location: (_ expected: UnsafeRawBufferPointer) -> ArraySlice<UInt8>?,
        thirdPartyCaveats: (_ trusted: Set<[UInt8]>, _ reasons: inout [DenialReason]) -> Void,
        firstPartyCaveats: (_ reasons: inout [DenialReason]) -> Void
    ) -> Verdict {
        if let error = signatures() { return .denied([.invalidSignature(error)]) }
        if let expected = requiredLocation, let presented = expected.withUnsafeBytes({ location($0) }) {
            return .denied([.wrongLocation(presented, expected: expected)])
        }
        var reasons: [DenialReason] = []
        if let trustedThirdPartyLocations { thirdPartyCaveats(trustedThirdPartyLocations, &reasons) }
        firstPartyCaveats(&reasons)
        return reasons.isEmpty ? .allowed : .denied(reasons)
    }

    /// Appends the reason of a failed evaluation of the caveat at `caveatIndex` to `reasons`.
    /// (`package`: `MacaroonTokens` notes the reasons of caveats it decoded ahead of a request.)
    @inlinable @inline(__always)
    package static func note(_ evaluation: CaveatEvaluation, caveatIndex: Int, in reasons: inout [DenialReason]) {
        guard case .failed(let reason) = evaluation else { return }
        // One allocation for the usual few reasons, rather than one per growth.
        if reasons.isEmpty { reasons.reserveCapacity(4) }
        reasons.append(reason.at(caveatIndex: caveatIndex))
    }
}
