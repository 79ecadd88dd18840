public import Macaroons

/// Where a verifier finds the root key of a token, by the token's identifier.
///
/// Returning `nil` means unknown or revoked: deleting a stored key revokes the
/// token and every token restricted from it. Throw only for operational
/// failures (a database that cannot be reached); the verifier passes those on
/// rather than denying.
public protocol RootKeyStore: Sendable {
    /// The key for `identifier`, or `nil` when there is none.
    func rootKey(forIdentifier identifier: String) async throws -> MacaroonKey?
}

/// A ``RootKeyStore`` in memory, for tests, examples and small tools.
public struct InMemoryKeyStore: RootKeyStore {
    private var keys: [String: MacaroonKey]

    /// A store holding `keys` by identifier.
    public init(_ keys: [String: MacaroonKey] = [:]) {
        self.keys = keys
    }

    /// Stores the key derived from `secret` (as minted by ``ServiceToken/mint(prefix:location:identifier:caveats:)``).
    public mutating func store(secret: some Collection<UInt8>, forIdentifier identifier: String) {
        keys[identifier] = MacaroonKey(derivingFrom: secret)
    }

    /// Removes the key, revoking every token minted with it.
    public mutating func revoke(identifier: String) {
        keys[identifier] = nil
    }

    /// The stored key, if any.
    public func rootKey(forIdentifier identifier: String) -> MacaroonKey? {
        keys[identifier]
    }
}
