import _MacaroonInternals

/// The encodings of a macaroon that libmacaroons, pymacaroons and go-macaroon exchange.
public enum MacaroonFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// v1 packets, as base64 text (URL-safe, unpadded when we write it).
    case v1
    /// v2 binary, as base64 text (URL-safe, unpadded when we write it).
    case v2
    /// v2 binary, raw bytes starting with `0x02`.
    case v2Binary = "v2-binary"
    /// v2 JSON.
    case v2JSON = "v2-json"
    /// v1 JSON, `{"location":..,"identifier":..,"caveats":[..],"signature":"<hex>"}`
    /// (text fields only: it cannot carry a non-UTF-8 identifier or caveat).
    case v1JSON = "v1-json"

    /// The format's name as the `macaroon` tool prints it.
    public var description: String { rawValue }

    /// Which format `input` is in, judged by its first bytes (for JSON, by the
    /// name of the first member; for base64 text, by the first decoded bytes).
    /// Does not validate the rest.
    @inlinable
    public static func detect(_ input: some Collection<UInt8>, limits: MacaroonLimits = .default) throws(MacaroonError) -> MacaroonFormat {
        try MacaroonDecoder.withContiguousBytes(input) { MacaroonDecoder.detectFormat($0, limits: limits) }.get()
    }
}

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

extension Macaroon {
    /// Decodes v2 binary bytes already taken out of their text form (for
    /// service tokens, which fix the format and spelling themselves).
    package init(decodingV2Binary bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) {
        self = try V2BinaryFormat.decode(bytes, limits: limits)
    }
}
