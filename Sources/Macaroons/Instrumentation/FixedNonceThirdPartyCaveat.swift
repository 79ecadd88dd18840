extension Macaroon {
    /// ``addingThirdPartyCaveat(secret:identifier:location:)`` with a chosen
    /// 24-byte nonce, for reproducible conformance vectors only: reusing a
    /// nonce under one signature reveals the caveat keys.
    @_spi(Instrumentation)
    public func addingThirdPartyCaveat(
        secret: some Collection<UInt8>, identifier: some Collection<UInt8>, location: some Collection<UInt8>, fixedNonce: [UInt8]
    ) -> Macaroon {
        addingThirdPartyCaveat(secret: secret, identifier: identifier, location: location, nonce: fixedNonce)
    }
}
