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

    /// The format's name as the `macaroon` tool prints it.
    public var description: String { rawValue }

    /// Which format `input` is in, judged by its first bytes (and, for base64
    /// text, by the first decoded byte). Does not validate the rest.
    public static func detect(_ input: some Collection<UInt8>, limits: MacaroonLimits = .default) throws(MacaroonError) -> MacaroonFormat {
        try MacaroonDecoder.withContiguousBytes(input, limits: limits) { (bytes) throws(MacaroonError) in
            try MacaroonDecoder.detect(bytes, limits: limits).format
        }
    }
}

extension Macaroon {
    /// Decodes a macaroon in any ``MacaroonFormat``, detecting which.
    ///
    /// - Throws: ``MacaroonError`` naming the first problem found; nothing is accepted loosely.
    public init(decoding input: some Collection<UInt8>, limits: MacaroonLimits = .default) throws(MacaroonError) {
        self = try MacaroonDecoder.withContiguousBytes(input, limits: limits) { (bytes) throws(MacaroonError) in
            let detected = try MacaroonDecoder.detect(bytes, limits: limits)
            return try MacaroonDecoder.decode(detected.payload, as: detected.format, limits: limits)
        }
    }

    /// Decodes a macaroon that must be in `format`.
    public init(decoding input: some Collection<UInt8>, as format: MacaroonFormat, limits: MacaroonLimits = .default) throws(MacaroonError) {
        self = try MacaroonDecoder.withContiguousBytes(input, limits: limits) { (bytes) throws(MacaroonError) in
            let detected = try MacaroonDecoder.detect(bytes, limits: limits)
            guard detected.format == format else {
                throw MacaroonError(.unknownFormat, detail: "expected \(format), found \(detected.format)")
            }
            return try MacaroonDecoder.decode(detected.payload, as: format, limits: limits)
        }
    }

    /// The macaroon encoded in `format`.
    ///
    /// - Throws: ``MacaroonError/Code/notRepresentable`` when a field does not
    ///   fit the format (a v1 packet holds at most 65,535 bytes).
    public func encoded(as format: MacaroonFormat = .v2) throws(MacaroonError) -> [UInt8] {
        switch format {
        case .v1: return Array(Base64.encode(try V1Format.encode(self)).utf8)
        case .v2: return Array(Base64.encode(V2BinaryFormat.encode(self)).utf8)
        case .v2Binary: return V2BinaryFormat.encode(self)
        case .v2JSON: return V2JSONFormat.encode(self)
        }
    }

    /// The macaroon encoded in a text format (``MacaroonFormat/v1``, ``MacaroonFormat/v2`` or ``MacaroonFormat/v2JSON``).
    public func encodedString(as format: MacaroonFormat = .v2) throws(MacaroonError) -> String {
        guard format != .v2Binary else {
            throw MacaroonError(.notRepresentable, detail: "v2-binary is not a text format")
        }
        return String(decoding: try encoded(as: format), as: UTF8.self)
    }
}

/// Format detection and dispatch, shared by every public decoding entry point.
enum MacaroonDecoder {
    /// The detected format and the bytes its decoder reads (base64 already removed).
    struct Detected {
        var format: MacaroonFormat
        var payload: [UInt8]
    }

    static func withContiguousBytes<Output>(
        _ input: some Collection<UInt8>, limits: MacaroonLimits,
        _ body: (UnsafeBufferPointer<UInt8>) throws(MacaroonError) -> Output
    ) throws(MacaroonError) -> Output {
        guard input.count <= limits.maxInputSize else {
            throw MacaroonError(.inputTooLarge, detail: "\(input.count) bytes exceed the limit of \(limits.maxInputSize)")
        }
        let result: Result<Output, MacaroonError>? = input.withContiguousStorageIfAvailable { buffer in
            Swift.Result { () throws(MacaroonError) in try body(buffer) }
        }
        if let result { return try result.get() }
        return try Array(input).withUnsafeBufferPointer { (buffer) throws(MacaroonError) in try body(buffer) }
    }

    static func detect(_ bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) throws(MacaroonError) -> Detected {
        guard let first = bytes.first else { throw MacaroonError(.emptyInput, detail: "the input is empty") }
        if first == V2BinaryFormat.version { return Detected(format: .v2Binary, payload: Array(bytes)) }
        if first == UInt8(ascii: "{") { return Detected(format: .v2JSON, payload: Array(bytes)) }
        let decoded = try Base64.decode(bytes, strictness: .anyPeerSpelling)
        if decoded.first == V2BinaryFormat.version { return Detected(format: .v2, payload: decoded) }
        if decoded.count >= 4, decoded.prefix(4).allSatisfy({ Hex.isLowercaseDigit($0) }) {
            return Detected(format: .v1, payload: decoded)
        }
        throw MacaroonError(.unknownFormat, offset: 0, detail: "the input is not a v1, v2 or v2 JSON macaroon")
    }

    static func decode(_ payload: [UInt8], as format: MacaroonFormat, limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        switch format {
        case .v1: try V1Format.decode(payload, limits: limits)
        case .v2, .v2Binary: try V2BinaryFormat.decode(payload, limits: limits)
        case .v2JSON: try V2JSONFormat.decode(payload, limits: limits)
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
