import _MacaroonInternals

extension MacaroonVerifier {
    /// Decodes and verifies a macaroon in one pass: the fast path of this
    /// verifier for a server that receives macaroons without discharges.
    ///
    /// Accepts what `Macaroon(decoding:limits:)` accepts, with this verifier's
    /// ``limits``, and answers exactly as decoding and then calling
    /// ``verify(_:key:discharges:in:)`` would. For v1 and v2 input it builds no
    /// `Macaroon`: the base64 is decoded into temporary storage, the signature
    /// chain is computed while the fields are read, and only when it matches
    /// does the policy see the caveats, in place.
    ///
    /// - Throws: the ``MacaroonError`` of decoding, when `input` is not a macaroon.
    @inlinable
    public func verify(encoded input: some Collection<UInt8>, key: MacaroonKey, in context: Policy.Context) throws(MacaroonError) -> Verdict {
        // The reading and the chain are one non-generic body; the caveat loop is a closure made
        // here, specialized for the policy and called once.
        try MacaroonDecoder.withContiguousBytes(input) { bytes in
            OnePassVerification(limits: limits, key: key).verify(
                bytes, requiredLocation: location,
                evaluate: { caveats, reasons in
                    for index in caveats.indices {
                        VerificationOrder.note(policy.evaluate(borrowing: caveats[index], in: context), caveatIndex: index, in: &reasons)
                    }
                },
                verifyDecoded: { verify($0, key: key, in: context) })
        }.get()
    }
}

/// The one-pass path of ``MacaroonVerifier``, for any policy: the policy's
/// evaluation of the caveats, and the two-step verification for what this path
/// does not handle (v2 JSON, third-party caveats), are passed in.
@usableFromInline
struct OnePassVerification {
    let limits: MacaroonLimits
    let key: MacaroonKey

    @usableFromInline
    init(limits: MacaroonLimits, key: MacaroonKey) {
        self.limits = limits
        self.key = key
    }

    /// Verifies `bytes`, an encoded macaroon.
    ///
    /// - Parameters:
    ///   - requiredLocation: the location the macaroon must have, if any.
    ///   - evaluate: evaluates every caveat of its first argument, noting each failure in its second.
    ///   - verifyDecoded: the two-step verification of a decoded macaroon.
    @usableFromInline
    func verify(
        _ bytes: UnsafeBufferPointer<UInt8>, requiredLocation: [UInt8]?,
        evaluate: (FirstPartyCaveatSpans, _ reasons: inout [DenialReason]) -> Void, verifyDecoded: (Macaroon) -> Verdict
    ) -> Result<Verdict, MacaroonError> {
        Result { () throws(MacaroonError) -> Verdict in
            switch try MacaroonDecoder.binaryFormat(of: bytes, limits: limits) {
            case .v2Binary?:
                return try verifyFields(bytes, format: .v2Binary, requiredLocation: requiredLocation, evaluate: evaluate, verifyDecoded: verifyDecoded)
            case let json?:
                return verifyDecoded(try MacaroonDecoder.decode(Array(bytes), as: json, limits: limits))
            case nil:
                return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Base64.maxDecodedCount(bytes.count)) { buffer in
                    Result { () throws(MacaroonError) -> Verdict in
                        // The decoded token is a bearer credential: wiped when done.
                        defer { UnsafeMutableRawBufferPointer(buffer).wipe() }
                        let count: Int
                        do throws(Base64Error) {
                            count = try Base64.decode(bytes, strictness: .anyPeerSpelling, into: buffer)
                        } catch {
                            throw MacaroonError(error)
                        }
                        let decoded = UnsafeBufferPointer(rebasing: buffer[..<count])
                        return try verifyFields(
                            decoded, format: MacaroonDecoder.textFormat(of: decoded), requiredLocation: requiredLocation,
                            evaluate: evaluate, verifyDecoded: verifyDecoded)
                    }
                }.get()
            }
        }
    }

    /// One pass computes the chain while validating and notes where the
    /// first-party caveats are; ``VerificationOrder`` then runs the order.
    private func verifyFields(
        _ bytes: UnsafeBufferPointer<UInt8>, format: MacaroonFormat, requiredLocation: [UInt8]?,
        evaluate: (FirstPartyCaveatSpans, _ reasons: inout [DenialReason]) -> Void, verifyDecoded: (Macaroon) -> Verdict
    ) throws(MacaroonError) -> Verdict {
        guard bytes.count <= UInt32.max else {
            // Beyond what `CaveatSpan` can point into (only with limits raised past 4 GiB).
            return verifyDecoded(try MacaroonDecoder.decode(Array(bytes), as: format, limits: limits))
        }
        // Every caveat takes at least 3 bytes in v2 and 9 in v1, so valid input never fills
        // this buffer (and filling it fails closed); macaroons of up to a few dozen caveats
        // keep it on the stack. A negative caveat limit admits no caveat (the reader says so).
        let capacity = max(min(limits.maxCaveats, bytes.count / (format == .v1 ? 9 : 3)), 0) + 1
        return try withUnsafeTemporaryAllocation(of: CaveatSpan.self, capacity: capacity) { caveats in
            Result { () throws(MacaroonError) -> Verdict in
                var fields = ChainComputer(bytes: bytes, key: key, firstPartyCaveats: caveats)
                defer { fields.wipe() }
                // Two calls rather than an existential, so each reader is specialized for the visitor.
                if format == .v1 {
                    try V1Format.read(bytes, limits: limits, into: &fields)
                } else {
                    try V2BinaryFormat.read(bytes, limits: limits, into: &fields)
                }
                guard !fields.hasThirdPartyCaveat else {
                    // Third-party caveats need discharges; take the general path for its exact outcome.
                    return verifyDecoded(try MacaroonDecoder.decode(Array(bytes), as: format, limits: limits))
                }
                return VerificationOrder.decide(
                    requiredLocation: requiredLocation, trustedThirdPartyLocations: nil,
                    signatures: {
                        OpenSSLBackend.constantTimeEqual(fields.chain.signature, fields.presentedSignature) ? nil : .rootSignatureMismatch
                    },
                    location: { expected in
                        let location = bytes.raw(fields.location)
                        return location.hasSameBytes(as: expected) ? nil : Array(location)[...]
                    },
                    thirdPartyCaveats: { _, _ in },
                    firstPartyCaveats: { reasons in
                        let spans = UnsafeBufferPointer(rebasing: caveats[..<fields.firstPartyCount])
                        evaluate(FirstPartyCaveatSpans(bytes: bytes, spans: spans), &reasons)
                    })
            }
        }.get()
    }
}

/// Where a first-party caveat's identifier is in the decoded bytes, as 32-bit
/// offsets: half the size of a `Range<Int>`, so twice as many caveats fit in
/// the kilobyte that `withUnsafeTemporaryAllocation` keeps on the stack.
@usableFromInline
struct CaveatSpan {
    @usableFromInline var start: UInt32
    @usableFromInline var end: UInt32

    init(start: UInt32, end: UInt32) {
        self.start = start
        self.end = end
    }
}

/// The first-party caveat identifiers of a macaroon being verified in one
/// pass, in place in its decoded bytes, valid only during the evaluation.
@usableFromInline
struct FirstPartyCaveatSpans {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline let spans: UnsafeBufferPointer<CaveatSpan>

    init(bytes: UnsafeBufferPointer<UInt8>, spans: UnsafeBufferPointer<CaveatSpan>) {
        self.bytes = bytes
        self.spans = spans
    }

    /// The caveats' indices, in order.
    @inlinable var indices: Range<Int> { spans.indices }

    /// The identifier of the caveat at `index`.
    @inlinable subscript(index: Int) -> UnsafeRawBufferPointer {
        let span = spans[index]
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[Int(span.start)..<Int(span.end)])
    }
}

/// Computes a macaroon's signature chain from its fields as they are read, and
/// notes where its location and first-party caveats are.
private struct ChainComputer: MacaroonFieldVisitor {
    /// At most `UInt32.max` bytes, so that every offset fits a `CaveatSpan`.
    let bytes: UnsafeBufferPointer<UInt8>
    let firstPartyCaveats: UnsafeMutableBufferPointer<CaveatSpan>
    var firstPartyCount = 0
    /// Starts as the signing key, so that its first link (the header's) is the MAC of the
    /// identifier under the key; the key is not copied anywhere else.
    var chain: SignatureChain
    var presentedSignature = SHA256Digest()
    var location = 0..<0
    /// Set for a third-party caveat, and (failing closed) if the caveat buffer were ever full.
    var hasThirdPartyCaveat = false

    init(bytes: UnsafeBufferPointer<UInt8>, key: MacaroonKey, firstPartyCaveats: UnsafeMutableBufferPointer<CaveatSpan>) {
        self.bytes = bytes
        self.chain = SignatureChain(continuing: key.signingKey)
        self.firstPartyCaveats = firstPartyCaveats
    }

    mutating func visitHeader(location: Range<Int>, identifier: Range<Int>) {
        self.location = location
        chain.appendFirstParty(bytes.raw(identifier))
    }

    mutating func visitCaveat(identifier: Range<Int>, thirdParty: (verificationID: Range<Int>, location: Range<Int>)?) {
        guard thirdParty == nil, firstPartyCount < firstPartyCaveats.count else {
            hasThirdPartyCaveat = true
            return
        }
        firstPartyCaveats[firstPartyCount] = CaveatSpan(
            start: UInt32(truncatingIfNeeded: identifier.lowerBound), end: UInt32(truncatingIfNeeded: identifier.upperBound))
        firstPartyCount += 1
        chain.appendFirstParty(bytes.raw(identifier))
    }

    mutating func visitSignature(_ range: Range<Int>) {
        presentedSignature = SHA256Digest(bytes.raw(range)) ?? presentedSignature
    }

    /// Wipes the computed (expected) signature, or the key if no header was read.
    mutating func wipe() {
        chain.wipe()
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes in `range`, as a raw buffer.
    fileprivate func raw(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: self[range]))
    }
}
