import _MacaroonInternals

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
        try verifySignatureChains(key: key, discharges: discharges, limits: limits)
        return VerifiedMacaroon(root: self, discharges: discharges)
    }

    /// ``verifySignature(key:discharges:limits:)`` without building its result, for
    /// ``MacaroonVerifier``, whose verification order runs caveats only after this succeeded.
    @usableFromInline
    func verifySignatureChains(key: MacaroonKey, discharges: [Macaroon], limits: MacaroonLimits) throws(MacaroonError) {
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
        // The keys the third-party caveats' verification ids are sealed under, on the stack.
        let thirdPartyCount = macaroon.caveats.count(where: \.isThirdParty)
        try withUnsafeTemporaryAllocation(of: SHA256Digest.self, capacity: thirdPartyCount) { sealingKeys in
            Result { () throws(MacaroonError) in
                try verify(macaroon, signingKey: signingKey, depth: depth, sealingKeys: sealingKeys)
            }
        }.get()
    }

    private mutating func verify(
        _ macaroon: Macaroon, signingKey: SHA256Digest, depth: Int, sealingKeys: UnsafeMutableBufferPointer<SHA256Digest>
    ) throws(MacaroonError) {
        let isRoot = depth == 0
        // One walk of the chain; it notes the key each third-party caveat's verification id is sealed under.
        // Intermediate signatures would let a holder drop the caveats after them: wiped when done.
        var noted = 0
        defer {
            for index in 0..<noted { sealingKeys[index].wipe() }
        }
        // The expected signature is what a forger needs: wiped once compared.
        var chain = SignatureChain.sign(key: signingKey, identifier: macaroon.identifier, caveats: macaroon.caveats) { _, key in
            sealingKeys.initializeElement(at: noted, to: key)
            noted += 1
        }
        var expected = isRoot ? chain : SignatureChain.bind(discharge: chain, toRoot: rootSignature)
        let matches = OpenSSLBackend.constantTimeEqual(expected, macaroon.signature.digest)
        chain.wipe()
        expected.wipe()
        guard matches else {
            throw isRoot ? .rootSignatureMismatch
                : MacaroonError(.signatureMismatch, field: .discharge,
                                detail: "the discharge for \(Printable.bytes(macaroon.identifier)) has a wrong signature or is not bound to this root")
        }
        // Only once the chain matched are verification ids opened and discharges verified.
        var next = 0
        for case .thirdParty(let identifier, let verificationID, _) in macaroon.caveats {
            let sealed = next
            next += 1
            guard depth < limits.maxDischargeDepth else {
                throw MacaroonError(.dischargeLimitExceeded, field: .discharge,
                                    detail: "third-party caveats nest deeper than \(limits.maxDischargeDepth)")
            }
            guard var caveatKey = SodiumBackend.open(verificationID, key: sealingKeys[sealed]) else {
                throw MacaroonError(.invalidVerificationID, field: .verificationID,
                                    detail: "the verification id of \(Printable.bytes(identifier)) cannot be opened"
                                        + " (\(verificationID.count) bytes; a valid one is \(SodiumBackend.verificationIDLength))")
            }
            guard let discharge = discharges.indices.first(where: { !used[$0] && discharges[$0].identifier == identifier }) else {
                throw MacaroonError(.missingDischarge, field: .discharge,
                                    detail: "no unused discharge for third-party caveat \(Printable.bytes(identifier))")
            }
            defer { caveatKey.wipe() }
            used[discharge] = true
            try verify(discharges[discharge], signingKey: caveatKey, depth: depth + 1)
        }
    }
}

extension MacaroonError {
    /// The root macaroon's chain does not match its signature.
    static let rootSignatureMismatch = MacaroonError(
        .signatureMismatch, field: .signature, detail: "the signature does not match: wrong key or tampered macaroon")
}
