extension MacaroonVerifier {
    /// Decodes and verifies a macaroon in one pass: the fast path for a server
    /// that receives macaroons without discharges.
    ///
    /// Accepts what `Macaroon(decoding:limits:)` accepts, with this verifier's
    /// ``limits``, and succeeds or fails exactly as decoding and then calling
    /// ``verify(_:key:discharges:)`` would, errors included. For v1 and v2 input
    /// it builds no `Macaroon`: the base64 is decoded into temporary storage,
    /// the signature chain is computed while the fields are read, and only when
    /// it matches are the caveats read again for the predicates.
    @inlinable
    public func verify(encoded input: some Collection<UInt8>, key: MacaroonKey) throws(MacaroonError) {
        try MacaroonDecoder.withContiguousBytes(input) { verifyEncoded($0, key: key) }.get()
    }

    @usableFromInline
    func verifyEncoded(_ bytes: UnsafeBufferPointer<UInt8>, key: MacaroonKey) -> Result<Void, MacaroonError> {
        Result { () throws(MacaroonError) in
            switch try MacaroonDecoder.binaryFormat(of: bytes, limits: limits) {
            case .v2Binary?:
                try verifyFields(bytes, format: .v2Binary, key: key)
            case .some:
                try verify(MacaroonDecoder.decode(Array(bytes), as: .v2JSON, limits: limits), key: key)
            case nil:
                try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Base64.maxDecodedCount(bytes.count)) { buffer in
                    Result { () throws(MacaroonError) in
                        // The decoded token is a bearer credential: wiped when done.
                        defer { UnsafeMutableRawBufferPointer(buffer).wipe() }
                        let count = try Base64.decode(bytes, strictness: .anyPeerSpelling, into: buffer)
                        let decoded = UnsafeBufferPointer(rebasing: buffer[..<count])
                        try verifyFields(decoded, format: MacaroonDecoder.textFormat(of: decoded), key: key)
                    }
                }.get()
            }
        }
    }

    /// One pass computes the chain while validating and notes where the
    /// first-party caveats are; after the signature matched, the predicates run.
    private func verifyFields(_ bytes: UnsafeBufferPointer<UInt8>, format: MacaroonFormat, key: MacaroonKey) throws(MacaroonError) {
        guard bytes.count <= UInt32.max else {
            // Beyond what `CaveatSpan` can point into (only with limits raised past 4 GiB).
            try verify(MacaroonDecoder.decode(Array(bytes), as: format, limits: limits), key: key)
            return
        }
        // Every caveat takes at least 3 bytes in v2 and 9 in v1, so valid input never fills
        // this buffer (and filling it fails closed); macaroons of up to a few dozen caveats
        // keep it on the stack.
        let capacity = min(limits.maxCaveats, bytes.count / (format == .v1 ? 9 : 3)) + 1
        try withUnsafeTemporaryAllocation(of: CaveatSpan.self, capacity: capacity) { caveats in
            Result { () throws(MacaroonError) in
                var chain = ChainComputer(bytes: bytes, key: key.signingKey, firstPartyCaveats: caveats)
                defer { chain.wipe() }
                // Two calls rather than an existential, so each reader is specialized for the visitor.
                if format == .v1 {
                    try V1Format.read(bytes, limits: limits, into: &chain)
                } else {
                    try V2BinaryFormat.read(bytes, limits: limits, into: &chain)
                }
                guard !chain.hasThirdPartyCaveat else {
                    // Third-party caveats need discharges; take the general path for its exact outcome.
                    try verify(MacaroonDecoder.decode(Array(bytes), as: format, limits: limits), key: key)
                    return
                }
                guard OpenSSLBackend.constantTimeEqual(chain.signature, chain.presentedSignature) else {
                    throw .rootSignatureMismatch
                }
                for span in caveats[..<chain.firstPartyCount] {
                    let caveat = bytes.raw(Int(span.start)..<Int(span.end))
                    guard isSatisfied(caveat, slice: { Array(caveat)[...] }) else {
                        throw .caveatNotSatisfied(Array(caveat)[...])
                    }
                }
            }
        }.get()
    }
}

/// Where a first-party caveat's identifier is in the decoded bytes, as 32-bit
/// offsets: half the size of a `Range<Int>`, so twice as many caveats fit in
/// the kilobyte that `withUnsafeTemporaryAllocation` keeps on the stack.
private struct CaveatSpan {
    var start: UInt32
    var end: UInt32
}

/// Computes a macaroon's signature chain from its fields as they are read, and
/// notes where its first-party caveats are.
private struct ChainComputer: MacaroonFieldVisitor {
    /// At most `UInt32.max` bytes, so that every offset fits a `CaveatSpan`.
    let bytes: UnsafeBufferPointer<UInt8>
    var key: SHA256Digest
    let firstPartyCaveats: UnsafeMutableBufferPointer<CaveatSpan>
    var firstPartyCount = 0
    var signature = SHA256Digest()
    var presentedSignature = SHA256Digest()
    /// Set for a third-party caveat, and (failing closed) if the caveat buffer were ever full.
    var hasThirdPartyCaveat = false

    mutating func visitHeader(location: Range<Int>, identifier: Range<Int>) {
        signature = SignatureChain.start(key: key, identifier: bytes.raw(identifier))
    }

    mutating func visitCaveat(identifier: Range<Int>, thirdParty: (verificationID: Range<Int>, location: Range<Int>)?) {
        guard thirdParty == nil, firstPartyCount < firstPartyCaveats.count else {
            hasThirdPartyCaveat = true
            return
        }
        firstPartyCaveats[firstPartyCount] = CaveatSpan(
            start: UInt32(truncatingIfNeeded: identifier.lowerBound), end: UInt32(truncatingIfNeeded: identifier.upperBound))
        firstPartyCount += 1
        SignatureChain.appendFirstParty(bytes.raw(identifier), to: &signature)
    }

    mutating func visitSignature(_ range: Range<Int>) {
        presentedSignature = SHA256Digest(bytes.raw(range)) ?? presentedSignature
    }

    /// Wipes the key copy and the computed (expected) signature.
    mutating func wipe() {
        key.wipe()
        signature.wipe()
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes in `range`, as a raw buffer.
    fileprivate func raw(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: self[range]))
    }
}
