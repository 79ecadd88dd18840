/// The HMAC-SHA256 signature chain shared by libmacaroons, pymacaroons and go-macaroon,
/// walked here and nowhere else.
///
/// - Key derivation: `HMAC(key: "macaroons-key-generator", message: secret)`.
/// - Start: `sig = HMAC(key, identifier)`.
/// - First-party caveat: `sig = HMAC(sig, caveatId)`.
/// - Third-party caveat: `sig = HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))`.
/// - Binding a discharge to its root: `HMAC(Z, HMAC(Z, rootSig) || HMAC(Z, dischargeSig))`, `Z` = 32 zero bytes.
///
/// A value advanced one caveat at a time: minting appends a caveat, the
/// one-pass verifier appends each caveat as it reads it, and ``sign(key:identifier:caveats:beforeThirdParty:)``
/// walks a whole decoded macaroon.
///
/// Intermediate values (keyed states, inner MACs) are wiped before each function
/// returns; the signature it returns belongs to the caller, who wipes it when
/// it is secret (an expected signature, see Specs/cryptography.md).
struct SignatureChain {
    /// The signature so far.
    private(set) var signature: SHA256Digest

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

    /// A chain continuing from `signature` (a macaroon's current signature).
    init(continuing signature: SHA256Digest) {
        self.signature = signature
    }

    /// The first link of a macaroon: the MAC of its identifier under the signing key.
    init(key: SHA256Digest, identifier: UnsafeRawBufferPointer) {
        signature = key
        HMACSHA256.authenticate(identifier, keyedBy: &signature)
    }

    /// The first link of a macaroon: the MAC of its identifier under the signing key.
    init(key: SHA256Digest, identifier: ArraySlice<UInt8>) {
        self = identifier.withUnsafeBytes { SignatureChain(key: key, identifier: $0) }
    }

    /// Appends a first-party caveat with identifier `caveat`.
    mutating func appendFirstParty(_ caveat: UnsafeRawBufferPointer) {
        HMACSHA256.authenticate(caveat, keyedBy: &signature)
    }

    /// Appends `caveat`.
    mutating func append(_ caveat: Caveat) {
        switch caveat {
        case .firstParty(let identifier):
            identifier.withUnsafeBytes { appendFirstParty($0) }
        case .thirdParty(let identifier, let verificationID, _):
            var mac = HMACSHA256(key: signature)
            var vidMAC = verificationID.withUnsafeBytes { mac.authenticationCode(for: $0) }
            var cidMAC = identifier.withUnsafeBytes { mac.authenticationCode(for: $0) }
            defer {
                mac.wipe()
                vidMAC.wipe()
                cidMAC.wipe()
            }
            // Overwrites the previous signature in place.
            signature = mac.authenticationCode(for: vidMAC, cidMAC)
        }
    }

    /// The signature of a whole chain.
    ///
    /// `beforeThirdParty` is called before each third-party caveat with the
    /// caveat's index and the signature its verification id is sealed under.
    static func sign(
        key: SHA256Digest, identifier: ArraySlice<UInt8>, caveats: [Caveat],
        beforeThirdParty: (_ index: Int, _ sealingKey: SHA256Digest) -> Void = { _, _ in }
    ) -> SHA256Digest {
        var chain = SignatureChain(key: key, identifier: identifier)
        caveats.withUnsafeBufferPointer { caveats in
            for index in caveats.indices {
                if caveats[index].isThirdParty { beforeThirdParty(index, chain.signature) }
                chain.append(caveats[index])
            }
        }
        return chain.signature
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

    /// Overwrites the signature so far with zeros.
    mutating func wipe() {
        signature.wipe()
    }
}
