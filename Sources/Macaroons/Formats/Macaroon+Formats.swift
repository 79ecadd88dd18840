import _MacaroonInternals

extension Macaroon {
    /// Decodes a macaroon in any ``MacaroonFormat``, detecting which.
    ///
    /// - Throws: ``MacaroonError`` naming the first problem found; nothing is accepted loosely.
    @inlinable
    public init(decoding input: some Collection<UInt8>, limits: MacaroonLimits = .default) throws(MacaroonError) {
        self = try MacaroonDecoder.withContiguousBytes(input) { MacaroonDecoder.decode($0, as: nil, limits: limits) }.get()
    }

    /// Decodes a macaroon that must be in `format`.
    @inlinable
    public init(decoding input: some Collection<UInt8>, as format: MacaroonFormat, limits: MacaroonLimits = .default) throws(MacaroonError) {
        self = try MacaroonDecoder.withContiguousBytes(input) { MacaroonDecoder.decode($0, as: format, limits: limits) }.get()
    }

    /// The macaroon encoded in `format`.
    ///
    /// - Throws: ``MacaroonError/Code/notRepresentable`` when a field does not
    ///   fit the format (a v1 packet holds at most 65,535 bytes; v1 JSON holds
    ///   only UTF-8 text).
    public func encoded(as format: MacaroonFormat = .v2) throws(MacaroonError) -> [UInt8] {
        switch format {
        case .v1: return Array(Base64.encode(try V1Format.encode(self)).utf8)
        case .v2: return Array(Base64.encode(V2BinaryFormat.encode(self)).utf8)
        case .v2Binary: return V2BinaryFormat.encode(self)
        case .v2JSON: return V2JSONFormat.encode(self)
        case .v1JSON: return try V1JSONFormat.encode(self)
        }
    }

    /// The macaroon encoded in a text format (every format but ``MacaroonFormat/v2Binary``).
    public func encodedString(as format: MacaroonFormat = .v2) throws(MacaroonError) -> String {
        guard format != .v2Binary else {
            throw MacaroonError(.notRepresentable, detail: "v2-binary is not a text format")
        }
        return String(decoding: try encoded(as: format), as: UTF8.self)
    }
}

extension Macaroon {
    /// Decodes v2 binary bytes already taken out of their text form (for
    /// service tokens, which fix the format and spelling themselves).
    package init(decodingV2Binary bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) {
        self = try V2BinaryFormat.decode(bytes, limits: limits)
    }
}
