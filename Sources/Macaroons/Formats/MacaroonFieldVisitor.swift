/// Receives the fields of one macaroon, as byte ranges of the buffer a reader
/// decodes, after the reader has validated them.
///
/// The v1 and v2 readers drive a visitor; ``MacaroonAssembler`` builds a
/// `Macaroon` from the fields, and the fused verification path
/// (`MacaroonVerifier.verify(encoded:key:)`) computes the signature chain
/// from them without building anything.
protocol MacaroonFieldVisitor {
    /// The location (an empty range when there is none) and the identifier.
    mutating func visitHeader(location: Range<Int>, identifier: Range<Int>)
    /// A caveat: first-party when `thirdParty` is `nil`.
    mutating func visitCaveat(identifier: Range<Int>, thirdParty: (verificationID: Range<Int>, location: Range<Int>)?)
    /// The 32-byte signature.
    mutating func visitSignature(_ signature: Range<Int>)
}

/// A binary macaroon format (v1 packets, v2) whose reader validates a whole
/// macaroon and hands its fields to a visitor.
protocol FieldReadingFormat {
    /// Validates a whole macaroon in `buffer`, handing its fields to `visitor`.
    static func read<Visitor: MacaroonFieldVisitor>(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits, into visitor: inout Visitor
    ) throws(MacaroonError)
}

extension FieldReadingFormat {
    /// Decodes a whole macaroon; its fields are slices of `bytes`.
    static func decode(_ bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        var assembler = MacaroonAssembler(storage: bytes)
        try bytes.withUnsafeBufferPointer { (buffer) throws(MacaroonError) in try read(buffer, limits: limits, into: &assembler) }
        return assembler.macaroon
    }
}

/// Builds a `Macaroon` whose fields are slices of the decoded bytes (no copies).
struct MacaroonAssembler: MacaroonFieldVisitor {
    /// The bytes being decoded; the fields' slices share this storage.
    let storage: [UInt8]
    private var location: ArraySlice<UInt8> = []
    private var identifier: ArraySlice<UInt8> = []
    private var caveats: [Caveat] = []
    private var signature = MacaroonSignature(SHA256Digest())

    /// Room for typical macaroons in one allocation; more caveats grow the array as usual.
    private static let initialCaveatCapacity = 8

    init(storage: [UInt8]) {
        self.storage = storage
        caveats.reserveCapacity(Self.initialCaveatCapacity)
    }

    mutating func visitHeader(location: Range<Int>, identifier: Range<Int>) {
        self.location = storage[location]
        self.identifier = storage[identifier]
    }

    mutating func visitCaveat(identifier: Range<Int>, thirdParty: (verificationID: Range<Int>, location: Range<Int>)?) {
        if let thirdParty {
            caveats.append(.thirdParty(
                identifier: storage[identifier], verificationID: storage[thirdParty.verificationID], location: storage[thirdParty.location]))
        } else {
            caveats.append(.firstParty(identifier: storage[identifier]))
        }
    }

    mutating func visitSignature(_ signature: Range<Int>) {
        self.signature = MacaroonSignature(bytes: storage[signature]) ?? self.signature
    }

    var macaroon: Macaroon {
        Macaroon(location: location, identifier: identifier, caveats: caveats, signature: signature)
    }

}
