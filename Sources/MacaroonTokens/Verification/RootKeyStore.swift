public import Macaroons

/// Where a verifier finds the root key of a token, by the token's identifier.
///
/// Returning `nil` means unknown or revoked: deleting a stored key revokes the
/// token and every token restricted from it. Throw only for operational
/// failures (a database that cannot be reached); the verifier passes those on
/// rather than denying.
///
/// The identifier comes from the token, so from anyone: it is a
/// ``TokenIdentifier``, matched as bytes (``TokenIdentifier/bytes`` for a binary
/// column, ``TokenIdentifier/text`` for a text one), never as a Swift `String`
/// key, whose hashing and `==` treat canonically equivalent spellings as one
/// and cost more than linear time on runs of combining marks. The verifier
/// looks up only UTF-8 identifiers of at most
/// ``UploadTokenVerifier/maxIdentifierLength`` bytes.
public protocol RootKeyStore: Sendable {
    /// The key for `identifier`, or `nil` when there is none.
    func rootKey(forIdentifier identifier: TokenIdentifier) async throws -> MacaroonKey?
}

/// A ``RootKeyStore`` in memory, for tests, examples and small tools.
///
/// Keys are found by the identifier's exact bytes.
public struct InMemoryKeyStore: RootKeyStore {
    private var keys: [TokenIdentifier: MacaroonKey] = [:]

    /// A store holding `keys` by identifier (as UTF-8).
    public init(_ keys: [String: MacaroonKey] = [:]) {
        for (identifier, key) in keys {
            self.keys[TokenIdentifier(identifier)] = key
        }
    }

    /// Stores the key derived from `secret` (as minted by ``ServiceToken/mint(prefix:location:identifier:caveats:)``).
    public mutating func store(secret: some Collection<UInt8>, forIdentifier identifier: String) {
        keys[TokenIdentifier(identifier)] = MacaroonKey(derivingFrom: secret)
    }

    /// Removes the key, revoking every token minted with it.
    public mutating func revoke(identifier: String) {
        keys[TokenIdentifier(identifier)] = nil
    }

    /// The stored key, if any.
    public func rootKey(forIdentifier identifier: TokenIdentifier) -> MacaroonKey? {
        keys[identifier]
    }
}
