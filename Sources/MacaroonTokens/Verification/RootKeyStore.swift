public import Macaroons
import _MacaroonInternals

/// Where a verifier finds the root key of a token, by the token's identifier.
///
/// Returning `nil` means unknown or revoked: deleting a stored key revokes the
/// token and every token restricted from it. Throw only for operational
/// failures (a database that cannot be reached); the verifier passes those on
/// rather than denying.
///
/// The identifier comes from the token, so from anyone: match it as bytes
/// (`Array(identifier.utf8)`, a binary database column), never as a Swift
/// `String` key, whose hashing and `==` treat canonically equivalent spellings
/// as one and cost more than linear time on runs of combining marks. The
/// verifier looks up only UTF-8 identifiers of at most
/// ``UploadTokenVerifier/maxIdentifierLength`` bytes.
public protocol RootKeyStore: Sendable {
    /// The key for `identifier`, or `nil` when there is none.
    func rootKey(forIdentifier identifier: String) async throws -> MacaroonKey?
}

/// A ``RootKeyStore`` in memory, for tests, examples and small tools.
///
/// Keys are found by the identifier's exact UTF-8 bytes.
public struct InMemoryKeyStore: RootKeyStore {
    private var keys: [ExactIdentifier: MacaroonKey] = [:]

    /// A store holding `keys` by identifier.
    public init(_ keys: [String: MacaroonKey] = [:]) {
        for (identifier, key) in keys {
            self.keys[ExactIdentifier(identifier)] = key
        }
    }

    /// Stores the key derived from `secret` (as minted by ``ServiceToken/mint(prefix:location:identifier:caveats:)``).
    public mutating func store(secret: some Collection<UInt8>, forIdentifier identifier: String) {
        keys[ExactIdentifier(identifier)] = MacaroonKey(derivingFrom: secret)
    }

    /// Removes the key, revoking every token minted with it.
    public mutating func revoke(identifier: String) {
        keys[ExactIdentifier(identifier)] = nil
    }

    /// The stored key, if any.
    public func rootKey(forIdentifier identifier: String) -> MacaroonKey? {
        keys[ExactIdentifier(identifier)]
    }
}

/// A dictionary key that hashes and compares a string's UTF-8 bytes, in
/// linear time and without allocating (a `String` key compares canonical
/// equivalence, in more than linear time on combining marks).
private struct ExactIdentifier: Hashable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    static func == (lhs: ExactIdentifier, rhs: ExactIdentifier) -> Bool {
        UTF8Text.equal(lhs.text, rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
