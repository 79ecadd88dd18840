import _MacaroonInternals

/// A root macaroon with the discharge macaroons that go with it, carried as one string.
///
/// The encoding is go-macaroon's `Slice`: the v2 binary encodings of the root
/// and then each discharge, concatenated (v2 is self-delimiting), as URL-safe
/// base64 without padding. Decoding accepts the raw bytes too, and the base64
/// spellings every decoder accepts.
public struct MacaroonBundle: Sendable, Hashable {
    /// The root macaroon.
    public let root: Macaroon
    /// Its discharges, normally bound to the root (see ``Macaroon/bound(to:)``).
    public let discharges: [Macaroon]

    /// A bundle of a root and its discharges.
    public init(root: Macaroon, discharges: [Macaroon]) {
        self.root = root
        self.discharges = discharges
    }

    /// Decodes a bundle; a lone macaroon is a bundle without discharges.
    ///
    /// - Throws: ``MacaroonError``; more than ``MacaroonLimits/maxDischarges``
    ///   discharges is ``MacaroonError/Code/dischargeLimitExceeded``.
    @inlinable
    public init(decoding input: some Collection<UInt8>, limits: MacaroonLimits = .default) throws(MacaroonError) {
        self = try MacaroonDecoder.withContiguousBytes(input) { MacaroonBundle.decode($0, limits: limits) }.get()
    }

    @usableFromInline
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) -> Result<MacaroonBundle, MacaroonError> {
        Result { () throws(MacaroonError) in
            let detected = try MacaroonDecoder.detect(bytes, limits: limits)
            guard detected.format == .v2 || detected.format == .v2Binary else {
                throw MacaroonError(.unknownFormat, detail: "a bundle is v2 binary macaroons, found \(detected.format)")
            }
            let macaroons = try V2BinaryFormat.decodeSequence(detected.payload, limits: limits)
            guard let root = macaroons.first else {
                throw MacaroonError(.emptyInput, detail: "the bundle holds no macaroon")
            }
            return MacaroonBundle(root: root, discharges: Array(macaroons.dropFirst()))
        }
    }

    /// The bundle as URL-safe base64 text.
    public func encodedString() -> String {
        Base64.encode(([root] + discharges).flatMap(V2BinaryFormat.encode))
    }

}
