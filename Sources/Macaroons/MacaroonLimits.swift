/// Resource limits applied while decoding and verifying untrusted macaroons.
///
/// Every decoder checks these before it allocates, so hostile input cannot make
/// it allocate more than a small multiple of ``maxInputSize``. Exceeding a limit
/// throws a ``MacaroonError`` naming it.
public struct MacaroonLimits: Sendable, Hashable {
    /// Bytes of encoded input (text or binary) accepted by a decoder. Default 65,536.
    public var maxInputSize: Int
    /// Caveats in one macaroon. Default 1,000.
    public var maxCaveats: Int
    /// Bytes in one location, identifier, caveat id or verification id. Default 32,768.
    public var maxFieldLength: Int
    /// Nesting depth of JSON values (v2 JSON and JSON caveats). Default 32.
    public var maxJSONDepth: Int
    /// Discharge macaroons presented with one root. Default 32.
    public var maxDischarges: Int
    /// Depth of third-party caveats inside discharges (the root's own caveats are depth 1). Default 8.
    public var maxDischargeDepth: Int

    /// Creates limits; unspecified ones take their defaults.
    public init(
        maxInputSize: Int = 65_536,
        maxCaveats: Int = 1_000,
        maxFieldLength: Int = 32_768,
        maxJSONDepth: Int = 32,
        maxDischarges: Int = 32,
        maxDischargeDepth: Int = 8
    ) {
        self.maxInputSize = maxInputSize
        self.maxCaveats = maxCaveats
        self.maxFieldLength = maxFieldLength
        self.maxJSONDepth = maxJSONDepth
        self.maxDischarges = maxDischarges
        self.maxDischargeDepth = maxDischargeDepth
    }

    /// The defaults listed on each property.
    public static let `default` = MacaroonLimits()
}
