/// The HMAC-SHA256 signature chain shared by libmacaroons, pymacaroons and go-macaroon.
///
/// - Key derivation: `HMAC(key: "macaroons-key-generator", message: secret)`.
/// - Start: `sig = HMAC(key, identifier)`.
/// - First-party caveat: `sig = HMAC(sig, caveatId)`.
/// - Third-party caveat: `sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))`.
/// - Binding a discharge to its root: `HMAC(Z, HMAC(Z, rootSig) || HMAC(Z, dischargeSig))`, `Z` = 32 zero bytes.
///
/// Intermediate values (keyed states, inner MACs) are wiped before each function
/// returns; the signature it returns belongs to the caller, who wipes it when
/// it is secret (an expected signature, see Specs/cryptography.md).
enum SignatureChain {
    /// The derivation key, pre-keyed once for the life of the process.
    private static let keyGenerator: HMACSHA256 = {
        let label = Array("macaroons-key-generator".utf8)
        return label.withUnsafeBytes { HMACSHA256(key: $0) }
    }()

    /// The binding key (32 zero bytes), pre-keyed once.
    private static let bindingKey = HMACSHA256(key: SHA256Digest.zero)

    /// The libmacaroons key derivation.
    static func deriveKey(fromSecret secret: UnsafeRawBufferPointer) -> SHA256Digest {
        keyGenerator.authenticationCode(for: secret)
    }

    /// The first signature of a macaroon: the MAC of its identifier under the signing key.
    static func start(key: SHA256Digest, identifier: ArraySlice<UInt8>) -> SHA256Digest {
        identifier.withUnsafeBytes { start(key: key, identifier: $0) }
    }

    static func start(key: SHA256Digest, identifier: UnsafeRawBufferPointer) -> SHA256Digest {
        var signature = key
        HMACSHA256.authenticate(identifier, keyedBy: &signature)
        return signature
    }

    /// Appends a first-party caveat with identifier `caveat`: replaces `signature` with the next one.
    static func appendFirstParty(_ caveat: UnsafeRawBufferPointer, to signature: inout SHA256Digest) {
        HMACSHA256.authenticate(caveat, keyedBy: &signature)
    }

    /// The signature after appending a caveat.
    static func append(_ caveat: Caveat, to signature: SHA256Digest) -> SHA256Digest {
        switch caveat {
        case .firstParty(let identifier):
            var next = signature
            identifier.withUnsafeBytes { appendFirstParty($0, to: &next) }
            return next
        case .thirdParty(let identifier, let verificationID, _):
            var mac = HMACSHA256(key: signature)
            var vidMAC = verificationID.withUnsafeBytes { mac.authenticationCode(for: $0) }
            var cidMAC = identifier.withUnsafeBytes { mac.authenticationCode(for: $0) }
            defer {
                mac.wipe()
                vidMAC.wipe()
                cidMAC.wipe()
            }
            return mac.authenticationCode(for: vidMAC, cidMAC)
        }
    }

    /// The signature of a whole chain.
    static func sign(key: SHA256Digest, identifier: ArraySlice<UInt8>, caveats: [Caveat]) -> SHA256Digest {
        var signature = start(key: key, identifier: identifier)
        caveats.withUnsafeBufferPointer { caveats in
            for index in caveats.indices {
                // Overwrites the previous signature in place.
                signature = append(caveats[index], to: signature)
            }
        }
        return signature
    }

    /// Binds a discharge signature to the root macaroon's signature.
    static func bind(discharge: SHA256Digest, toRoot root: SHA256Digest) -> SHA256Digest {
        var rootMAC = root.withUnsafeBytes { bindingKey.authenticationCode(for: $0) }
        var dischargeMAC = discharge.withUnsafeBytes { bindingKey.authenticationCode(for: $0) }
        defer {
            rootMAC.wipe()
            dischargeMAC.wipe()
        }
        return bindingKey.authenticationCode(for: rootMAC, dischargeMAC)
    }
}
