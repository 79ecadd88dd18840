extension Macaroon {
    /// A copy with a third-party caveat appended.
    ///
    /// The third party at `location` must know `secret` (or be able to recover
    /// it from `identifier`) to mint the discharge:
    /// `Macaroon(key: MacaroonKey(derivingFrom: secret), identifier: identifier)`.
    ///
    /// The verification id seals the derived caveat key under the current
    /// signature with NaCl secretbox and a random 24-byte nonce:
    /// `vid = nonce || secretbox(derive(secret), nonce, key: sig)` (72 bytes);
    /// the signature becomes `HMAC(sig, HMAC(sig, vid) || HMAC(sig, cid))`.
    public func addingThirdPartyCaveat(
        secret: some Collection<UInt8>, identifier: some Collection<UInt8>, location: some Collection<UInt8>
    ) -> Macaroon {
        addingThirdPartyCaveat(
            secret: secret, identifier: identifier, location: location,
            nonce: OpenSSLBackend.randomBytes(count: SodiumBackend.nonceLength))
    }

    /// As ``addingThirdPartyCaveat(secret:identifier:location:)`` with a chosen
    /// nonce, for reproducible test vectors only: reusing a nonce under one
    /// signature reveals the caveat keys.
    func addingThirdPartyCaveat(
        secret: some Collection<UInt8>, identifier: some Collection<UInt8>, location: some Collection<UInt8>, nonce: [UInt8]
    ) -> Macaroon {
        var caveatKey = MacaroonKey(derivingFrom: secret).signingKey
        let verificationID = SodiumBackend.seal(caveatKey, nonce: nonce, key: signature.digest)
        caveatKey.wipe()
        return adding(.thirdParty(
            identifier: ArraySlice(identifier), verificationID: verificationID[...], location: ArraySlice(location)))
    }

    /// This discharge macaroon bound to `root` for one request:
    /// `HMAC(Z, HMAC(Z, root.sig) || HMAC(Z, discharge.sig))`, `Z` = 32 zero bytes.
    ///
    /// Always bind to the root macaroon being presented, never to an
    /// intermediate discharge; binding prevents a discharge from being reused
    /// with a different root.
    public func bound(to root: Macaroon) -> Macaroon {
        Macaroon(
            location: location, identifier: identifier, caveats: caveats,
            signature: MacaroonSignature(SignatureChain.bind(discharge: signature.digest, toRoot: root.signature.digest)))
    }
}
