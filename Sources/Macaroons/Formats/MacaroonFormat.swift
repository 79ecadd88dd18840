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
