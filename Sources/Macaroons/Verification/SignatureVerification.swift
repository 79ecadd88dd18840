/// A macaroon whose signature chain, and the chains of all its discharges,
/// verified against the root key.
///
/// Only ``Macaroon/verifySignature(key:discharges:limits:)`` creates one, so
/// code that takes a `VerifiedMacaroon` can never run a caveat predicate on a
/// macaroon whose signature did not verify.
public struct VerifiedMacaroon: Sendable {
    /// The root macaroon.
    public let root: Macaroon
    /// The discharges, each used exactly once, in the order they were presented.
    public let discharges: [Macaroon]

    /// Every first-party caveat of the root and of its discharges: the
    /// conditions that remain to be checked.
    public var firstPartyCaveats: FirstPartyCaveats { FirstPartyCaveats(root: root, discharges: discharges) }
}

/// The first-party caveat identifiers of a root macaroon and its discharges, in order (no copies).
public struct FirstPartyCaveats: Sequence, Sendable {
    fileprivate let root: Macaroon
    fileprivate let discharges: [Macaroon]

    /// Iterates the root's caveats, then each discharge's.
    public struct Iterator: IteratorProtocol {
        fileprivate let discharges: [Macaroon]
        fileprivate var caveats: [Caveat]
        fileprivate var nextDischarge = 0
        fileprivate var caveatIndex = 0

        /// The next first-party caveat identifier, or `nil` after the last discharge's.
        public mutating func next() -> ArraySlice<UInt8>? {
            while true {
                while caveatIndex < caveats.count {
                    caveatIndex += 1
                    if case .firstParty(let identifier) = caveats[caveatIndex - 1] { return identifier }
                }
                guard nextDischarge < discharges.count else { return nil }
                caveats = discharges[nextDischarge].caveats
                nextDischarge += 1
                caveatIndex = 0
            }
        }
    }

    /// An iterator starting at the root's first caveat.
    public func makeIterator() -> Iterator { Iterator(discharges: discharges, caveats: root.caveats) }
}

extension Macaroon {
    /// Verifies the signature chain of this root macaroon and of every
    /// discharge, and nothing else: no caveat predicate runs.
    ///
    /// Every third-party caveat must be matched by exactly one discharge
    /// (`identifier == cid`) whose chain starts from the caveat key sealed in
    /// the verification id and which is bound to this macaroon. Each discharge
    /// is used at most once and an unused discharge is an error, so cycles are
    /// impossible; count and depth are bounded by `limits`. Signatures are
    /// compared in constant time.
    ///
    /// - Returns: the verified macaroon, whose first-party caveats the caller
    ///   then checks (``MacaroonVerifier`` does this with predicates).
    public func verifySignature(
        key: MacaroonKey, discharges: [Macaroon] = [], limits: MacaroonLimits = .default
    ) throws(MacaroonError) -> VerifiedMacaroon {
        guard discharges.count <= limits.maxDischarges else {
            throw MacaroonError(.dischargeLimitExceeded, field: .discharge,
                                detail: "\(discharges.count) discharges exceed the limit of \(limits.maxDischarges)")
        }
        var walk = ChainVerification(root: self, discharges: discharges, limits: limits)
        try walk.verify(self, signingKey: key.signingKey, depth: 0)
        if let unused = walk.used.firstIndex(of: false) {
            throw MacaroonError(.unusedDischarge, field: .discharge,
                                detail: "discharge \(unused) (\(Printable.bytes(discharges[unused].identifier))) matches no third-party caveat")
        }
        return VerifiedMacaroon(root: self, discharges: discharges)
    }
}

/// One verification of a root macaroon and its discharges.
private struct ChainVerification {
    let rootSignature: SHA256Digest
    let discharges: [Macaroon]
    let limits: MacaroonLimits
    var used: [Bool]

    init(root: Macaroon, discharges: [Macaroon], limits: MacaroonLimits) {
        self.rootSignature = root.signature.digest
        self.discharges = discharges
        self.limits = limits
        self.used = discharges.isEmpty ? [] : Array(repeating: false, count: discharges.count)
    }

    /// Checks `macaroon`'s own chain first (bound to the root unless it is the
    /// root), then opens each third-party caveat and verifies its discharge.
    mutating func verify(_ macaroon: Macaroon, signingKey: SHA256Digest, depth: Int) throws(MacaroonError) {
        let isRoot = depth == 0
        // The expected signature is what a forger needs: wiped once compared.
        var chain = SignatureChain.sign(key: signingKey, identifier: macaroon.identifier, caveats: macaroon.caveats)
        var expected = isRoot ? chain : SignatureChain.bind(discharge: chain, toRoot: rootSignature)
        let matches = OpenSSLBackend.constantTimeEqual(expected, macaroon.signature.digest)
        chain.wipe()
        expected.wipe()
        guard matches else {
            throw isRoot ? .rootSignatureMismatch
                : MacaroonError(.signatureMismatch, field: .discharge,
                                detail: "the discharge for \(Printable.bytes(macaroon.identifier)) has a wrong signature or is not bound to this root")
        }
        guard macaroon.caveats.contains(where: \.isThirdParty) else { return }

        // Intermediate signatures would let a holder drop the caveats after them: wiped.
        var signature = SignatureChain.start(key: signingKey, identifier: macaroon.identifier)
        defer { signature.wipe() }
        for caveat in macaroon.caveats {
            if case .thirdParty(let identifier, let verificationID, _) = caveat {
                guard depth < limits.maxDischargeDepth else {
                    throw MacaroonError(.dischargeLimitExceeded, field: .discharge,
                                        detail: "third-party caveats nest deeper than \(limits.maxDischargeDepth)")
                }
                guard var caveatKey = SodiumBackend.open(verificationID, key: signature) else {
                    throw MacaroonError(.invalidVerificationID, field: .verificationID,
                                        detail: "the verification id of \(Printable.bytes(identifier)) cannot be opened"
                                            + " (\(verificationID.count) bytes; a valid one is \(SodiumBackend.verificationIDLength))")
                }
                defer { caveatKey.wipe() }
                guard let index = discharges.indices.first(where: { !used[$0] && discharges[$0].identifier == identifier }) else {
                    throw MacaroonError(.missingDischarge, field: .discharge,
                                        detail: "no unused discharge for third-party caveat \(Printable.bytes(identifier))")
                }
                used[index] = true
                try verify(discharges[index], signingKey: caveatKey, depth: depth + 1)
            }
            signature = SignatureChain.append(caveat, to: signature)
        }
    }
}

extension MacaroonError {
    /// The root macaroon's chain does not match its signature.
    static let rootSignatureMismatch = MacaroonError(
        .signatureMismatch, field: .signature, detail: "the signature does not match: wrong key or tampered macaroon")

    /// No predicate accepted the first-party caveat `caveat`.
    static func caveatNotSatisfied(_ caveat: ArraySlice<UInt8>) -> MacaroonError {
        MacaroonError(.caveatNotSatisfied, field: .caveatIdentifier, detail: "no predicate accepts caveat \(Printable.bytes(caveat))")
    }
}
