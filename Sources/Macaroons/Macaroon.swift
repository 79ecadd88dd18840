/// A macaroon: a bearer credential whose HMAC-SHA256 chain of caveats can be
/// narrowed by anyone who holds it and widened by nobody.
///
/// A `Macaroon` is an immutable value. Minting needs the root key; appending a
/// caveat needs only the macaroon (attenuation by any holder). Verification is
/// done by ``verifySignature(key:discharges:limits:)`` and ``MacaroonVerifier``.
///
/// ```swift
/// let secret = MacaroonKey.generateSecret()
/// let root = Macaroon(key: MacaroonKey(derivingFrom: secret),
///                     identifier: "key-0001".utf8, location: "https://example.org/".utf8)
/// let narrowed = root.addingFirstPartyCaveat("account = 3735928559".utf8)
/// let text = try narrowed.encodedString(as: .v2)
/// ```
public struct Macaroon: Sendable, Hashable {
    /// A hint where the macaroon is to be used; may be empty. Not covered by the signature.
    public let location: ArraySlice<UInt8>
    /// The identifier the minting service uses to find the root key.
    public let identifier: ArraySlice<UInt8>
    /// The caveats in the order they were added.
    public let caveats: [Caveat]
    /// The signature of the chain.
    public let signature: MacaroonSignature

    /// Assembles a macaroon from its parts without checking the signature
    /// (decoders, tests and tools use this; verification checks it later).
    public init(
        location: ArraySlice<UInt8>, identifier: ArraySlice<UInt8>, caveats: [Caveat], signature: MacaroonSignature
    ) {
        self.location = location
        self.identifier = identifier
        self.caveats = caveats
        self.signature = signature
    }

    /// Mints a macaroon with no caveats.
    ///
    /// - Parameters:
    ///   - key: the root key (usually ``MacaroonKey/init(derivingFrom:)`` of a stored secret).
    ///   - identifier: what lets the minting service find `key` again.
    ///   - location: a hint where the macaroon is to be used.
    @inlinable
    public init(key: MacaroonKey, identifier: some Collection<UInt8>, location: some Collection<UInt8> = EmptyCollection()) {
        self.init(key: key, identifierBytes: ArraySlice(identifier), locationBytes: ArraySlice(location))
    }

    @usableFromInline
    init(key: MacaroonKey, identifierBytes identifier: ArraySlice<UInt8>, locationBytes location: ArraySlice<UInt8>) {
        self.init(
            location: location, identifier: identifier, caveats: [],
            signature: MacaroonSignature(SignatureChain(key: key.signingKey, identifier: identifier).signature))
    }

    /// A copy with a first-party caveat appended: `sig' = HMAC(sig, caveatId)`.
    ///
    /// Needs no key: any holder can narrow a macaroon.
    @inlinable
    public func addingFirstPartyCaveat(_ identifier: some Collection<UInt8>) -> Macaroon {
        adding(.firstParty(identifier: ArraySlice(identifier)))
    }

    /// A copy with `caveat` appended and the signature advanced accordingly.
    @usableFromInline
    func adding(_ caveat: Caveat) -> Macaroon {
        var chain = SignatureChain(continuing: signature.digest)
        chain.append(caveat)
        return Macaroon(location: location, identifier: identifier, caveats: caveats + [caveat], signature: MacaroonSignature(chain.signature))
    }
}
