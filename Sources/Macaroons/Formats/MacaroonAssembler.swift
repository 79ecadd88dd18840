/// Builds a `Macaroon` whose fields are slices of the decoded bytes (no copies).
struct MacaroonAssembler: MacaroonFieldVisitor {
    /// The bytes being decoded; the fields' slices share this storage.
    let storage: [UInt8]
    // The header's fields stay ranges until the end: no slice is made and then replaced.
    private var location = 0..<0
    private var identifier = 0..<0
    private var caveats: [Caveat] = []
    private var signature = MacaroonSignature(SHA256Digest())

    /// Room for typical macaroons in one allocation; more caveats grow the array as usual.
    private static let initialCaveatCapacity = 8

    init(storage: [UInt8]) {
        self.storage = storage
        caveats.reserveCapacity(Self.initialCaveatCapacity)
    }

    mutating func visitHeader(location: Range<Int>, identifier: Range<Int>) {
        self.location = location
        self.identifier = identifier
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

    /// The macaroon, taking the assembler's caveats rather than copying them.
    consuming func macaroon() -> Macaroon {
        Macaroon(location: storage[location], identifier: storage[identifier], caveats: caveats, signature: signature)
    }
}
