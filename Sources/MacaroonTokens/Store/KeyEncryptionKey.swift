package import Macaroons
import _MacaroonInternals

/// A 32-byte key that seals the root keys a ``TokenStore`` keeps (libsodium
/// secretbox, XSalsa20-Poly1305), with an id stored next to every row it
/// sealed so that it can be rotated (see ``KeyRing`` and ``TokenStore/rewrap()``).
///
/// Keep it outside the database (an environment variable, a secrets manager):
/// then a copy of the database yields no working token. Never printed.
public struct KeyEncryptionKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key's id, e.g. `kek-2026-11`: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    public let id: String
    /// The 32 key bytes.
    let bytes: [UInt8]

    /// The number of bytes in a key-encryption key.
    public static let byteCount = 32

    /// A key from its id and 32 bytes.
    ///
    /// - Throws: ``TokenStoreError/Code/invalidArgument`` for a malformed id or a key that is not 32 bytes.
    public init(id: String, bytes: some Collection<UInt8>) throws(TokenStoreError) {
        try Self.validate(id: id)
        guard bytes.count == Self.byteCount else {
            throw TokenStoreError(.invalidArgument, detail: "a key-encryption key is 32 bytes, got \(bytes.count)")
        }
        self.id = id
        self.bytes = Array(bytes)
    }

    /// A key from its id and 64 hexadecimal digits (as kept in an environment variable).
    public init(id: String, hex: some StringProtocol) throws(TokenStoreError) {
        guard let bytes = Hex.decode(hex) else {
            throw TokenStoreError(.invalidArgument, detail: "a key-encryption key in hexadecimal is 64 digits 0-9a-f")
        }
        try self.init(id: id, bytes: bytes)
    }

    /// A fresh key from the CSPRNG.
    public static func generate(id: String) throws(TokenStoreError) -> KeyEncryptionKey {
        try KeyEncryptionKey(id: id, bytes: MacaroonKey.generateSecret())
    }

    /// Names the id only.
    public var description: String { "KeyEncryptionKey(id: \(id), <redacted>)" }
    /// Names the id only.
    public var debugDescription: String { description }
    /// Shows the id only.
    public var customMirror: Mirror { Mirror(self, children: ["id": id], displayStyle: .struct) }

    private static func validate(id: String) throws(TokenStoreError) {
        let valid = (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard valid else {
            throw TokenStoreError(.invalidArgument, detail: "a key-encryption key id is 1 to 64 of A-Z a-z 0-9 . _ -, got \(Printable.bytes(ArraySlice(id.utf8), limit: 64))")
        }
    }
}
