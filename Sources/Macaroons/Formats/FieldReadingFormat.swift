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
        return assembler.macaroon()
    }
}
