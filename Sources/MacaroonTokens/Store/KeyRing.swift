package import Macaroons
import _MacaroonInternals

/// The key-encryption keys a store knows: the ``current`` one seals new and
/// rewrapped root keys; every key in the ring opens the rows it sealed.
///
/// Rotation without downtime: give every instance a ring whose current key is
/// the new one and which still holds the old one, then run
/// ``TokenStore/rewrap()`` once; when it reports 0 rows left, drop the old key.
///
/// Without a current key (``unsealed``) root keys are stored as they are: the
/// store works, and says so once when it opens (``unsealedWarning``).
public struct KeyRing: Sendable, CustomStringConvertible {
    /// The key that seals; `nil` stores root keys unsealed.
    public let current: KeyEncryptionKey?
    private let keys: [String: KeyEncryptionKey]

    /// A ring sealing with `current` and also opening with `previous`.
    ///
    /// - Throws: ``TokenStoreError/Code/invalidArgument`` when two keys share an id.
    public init(current: KeyEncryptionKey?, previous: [KeyEncryptionKey] = []) throws(TokenStoreError) {
        var keys: [String: KeyEncryptionKey] = [:]
        for key in (current.map { [$0] } ?? []) + previous {
            guard keys.updateValue(key, forKey: key.id) == nil else {
                throw TokenStoreError(.invalidArgument, detail: "two key-encryption keys have the id \(key.id)")
            }
        }
        self.current = current
        self.keys = keys
    }

    /// No key-encryption key: root keys are stored unsealed.
    public static let unsealed = KeyRing(unchecked: nil)

    private init(unchecked current: KeyEncryptionKey?) {
        self.current = current
        self.keys = current.map { [$0.id: $0] } ?? [:]
    }

    /// A ring with one key.
    public init(_ current: KeyEncryptionKey) {
        self.init(unchecked: current)
    }

    /// Whether new root keys are sealed.
    public var sealsKeys: Bool { current != nil }

    /// The ids of the keys in the ring, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// What a store reports once, at warning level, when it opens without a key-encryption key.
    public static let unsealedWarning =
        "token store: no key-encryption key is configured, so root keys are stored unsealed and a copy of the database yields working tokens"

    /// Names the key ids only.
    public var description: String { "KeyRing(current: \(current?.id ?? "none"), keys: \(keyIDs))" }

    /// The stored form of a root key: sealed under the current key (`keyID` set),
    /// or the 32 raw bytes (`keyID` nil) when the ring has no current key.
    package func seal(_ key: MacaroonKey) -> (keyID: String?, bytes: [UInt8]) {
        guard let current else { return (nil, key.signingKeyBytes) }
        return (current.id, SecretBox.seal(key.signingKeyBytes, key: current.bytes))
    }

    /// The root key from its stored form.
    ///
    /// - Throws: ``TokenStoreError/Code/keyUnavailable`` when the row's key is not in the ring or does not open it,
    ///   ``TokenStoreError/Code/corrupt`` for unsealed bytes that are not 32 bytes.
    package func open(keyID: String?, bytes: [UInt8]) throws(TokenStoreError) -> MacaroonKey {
        guard let keyID else {
            guard let key = try? MacaroonKey(rawBytes: bytes) else {
                throw TokenStoreError(.corrupt, detail: "an unsealed root key is \(bytes.count) bytes, not 32")
            }
            return key
        }
        guard let kek = keys[keyID] else {
            throw TokenStoreError(.keyUnavailable, detail: "a root key is sealed under key-encryption key '\(keyID)', which is not configured")
        }
        guard let opened = SecretBox.open(bytes, key: kek.bytes), let key = try? MacaroonKey(rawBytes: opened) else {
            throw TokenStoreError(.keyUnavailable, detail: "a root key sealed under key-encryption key '\(keyID)' does not open with it")
        }
        return key
    }

    /// Whether a row stored under `keyID` must be re-sealed by ``TokenStore/rewrap()``.
    package func needsRewrap(keyID: String?) -> Bool {
        keyID != current?.id
    }
}
