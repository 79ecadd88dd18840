import _MacaroonInternals

/// Format detection and dispatch, shared by every public decoding entry point.
///
/// The public entry points are generic and inlinable: they only find contiguous
/// bytes and call the non-generic functions here, so callers in other modules
/// never run unspecialized generic code.
@usableFromInline
enum MacaroonDecoder {
    /// The detected format and the bytes its decoder reads (base64 already removed).
    struct Detected {
        var format: MacaroonFormat
        var payload: [UInt8]
    }

    /// Runs `body` on the bytes of `input`, copying them only if they are not contiguous.
    @inlinable
    static func withContiguousBytes<Output>(
        _ input: some Collection<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result<Output, MacaroonError>
    ) -> Result<Output, MacaroonError> {
        if let result = input.withContiguousStorageIfAvailable(body) { return result }
        return Array(input).withUnsafeBufferPointer(body)
    }

    @usableFromInline
    static func detectFormat(_ bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) -> Result<MacaroonFormat, MacaroonError> {
        Result { () throws(MacaroonError) in try detect(bytes, limits: limits).format }
    }

    @usableFromInline
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, as format: MacaroonFormat?, limits: MacaroonLimits) -> Result<Macaroon, MacaroonError> {
        Result { () throws(MacaroonError) in
            let detected = try detect(bytes, limits: limits)
            if let format, detected.format != format {
                throw MacaroonError(.unknownFormat, detail: "expected \(format), found \(detected.format)")
            }
            return try decode(detected.payload, as: detected.format, limits: limits)
        }
    }

    static func detect(_ bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) throws(MacaroonError) -> Detected {
        if let format = try binaryFormat(of: bytes, limits: limits) { return Detected(format: format, payload: Array(bytes)) }
        let decoded: [UInt8]
        do throws(Base64Error) {
            decoded = try Base64.decode(bytes, strictness: .anyPeerSpelling)
        } catch {
            throw MacaroonError(error)
        }
        return Detected(format: try decoded.withUnsafeBufferPointer { (buffer) throws(MacaroonError) in try textFormat(of: buffer) },
                        payload: decoded)
    }

    /// Checks the input's size; `.v2Binary` by the first byte, `.v2JSON` or `.v1JSON`
    /// for an object (by its first member), `nil` for base64 text.
    static func binaryFormat(of bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) throws(MacaroonError) -> MacaroonFormat? {
        guard bytes.count <= limits.maxInputSize else {
            throw MacaroonError(.inputTooLarge, detail: "\(bytes.count) bytes exceed the limit of \(limits.maxInputSize)")
        }
        switch bytes.first {
        case nil: throw MacaroonError(.emptyInput, detail: "the input is empty")
        case V2BinaryFormat.version: return .v2Binary
        case UInt8(ascii: "{"): return JSONMacaroonReader.format(of: bytes)
        default: return nil
        }
    }

    /// `.v2` or `.v1` by the first bytes of base64-decoded text.
    static func textFormat(of decoded: UnsafeBufferPointer<UInt8>) throws(MacaroonError) -> MacaroonFormat {
        if decoded.first == V2BinaryFormat.version { return .v2 }
        if decoded.count >= 4, decoded.prefix(4).allSatisfy({ Hex.isLowercaseDigit($0) }) { return .v1 }
        throw MacaroonError(.unknownFormat, offset: 0, detail: "the input is not a v1, v2, v1 JSON or v2 JSON macaroon")
    }

    static func decode(_ payload: [UInt8], as format: MacaroonFormat, limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        switch format {
        case .v1: try V1Format.decode(payload, limits: limits)
        case .v2, .v2Binary: try V2BinaryFormat.decode(payload, limits: limits)
        case .v2JSON: try V2JSONFormat.decode(payload, limits: limits)
        case .v1JSON: try V1JSONFormat.decode(payload, limits: limits)
        }
    }
}
