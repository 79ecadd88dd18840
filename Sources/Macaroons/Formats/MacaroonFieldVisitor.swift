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
