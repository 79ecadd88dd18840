/// The bare signature chain, without `Macaroon` values, for the benchmark
/// harness and the differential fuzz target: the physical floor of
/// verification. Not part of the supported API (`@_spi(Instrumentation)`).
@_spi(Instrumentation)
public enum BareSignatureChain {
    /// One HMAC-SHA256 with a key of any length, keying included.
    public static func hmac(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> MacaroonSignature {
        MacaroonSignature(HMACSHA256(key: key).authenticationCode(for: message))
    }

    /// Key derivation from `secret`, then the chain over `identifier` and first-party `caveats`.
    public static func signature(secret: UnsafeRawBufferPointer, identifier: ArraySlice<UInt8>, caveats: [ArraySlice<UInt8>]) -> MacaroonSignature {
        var chain = SignatureChain(key: SignatureChain.deriveKey(fromSecret: secret), identifier: identifier)
        for caveat in caveats {
            caveat.withUnsafeBytes { chain.appendFirstParty($0) }
        }
        return MacaroonSignature(chain.signature)
    }

    /// The signature of `macaroon` recomputed from its parts with `key`.
    public static func recomputedSignature(of macaroon: Macaroon, key: MacaroonKey) -> MacaroonSignature {
        MacaroonSignature(SignatureChain.sign(key: key.signingKey, identifier: macaroon.identifier, caveats: macaroon.caveats))
    }

    /// OpenSSL's own one-shot `HMAC()`, the reference the fast path is checked against.
    public static func referenceHMAC(key: [UInt8], message: [UInt8]) -> [UInt8] {
        OpenSSLBackend.referenceHMACSHA256(key: key, message: message)
    }
}
