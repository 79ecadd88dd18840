import _MacaroonInternals

/// A token's identifier, as the bytes the token carries: the key a
/// ``RootKeyStore`` looks tokens up by.
///
/// The identifier comes from the token, so from anyone: it is compared and
/// hashed as bytes, in linear time. A Swift `String` would compare canonical
/// equivalence instead (the Kelvin sign U+212A equals `K`) in more than linear
/// time on runs of combining marks.
public struct TokenIdentifier: Hashable, Sendable, CustomStringConvertible {
    /// The identifier's bytes (PyPI's: the token's UUID as ASCII text).
    public let bytes: ArraySlice<UInt8>

    /// The identifier with these bytes.
    public init(_ bytes: some Collection<UInt8>) {
        self.bytes = ArraySlice(bytes)
    }

    /// The identifier whose bytes are the UTF-8 of `text`.
    public init(_ text: String) {
        self.bytes = ArraySlice(text.utf8)
    }

    /// The identifier as text when it is UTF-8 (for a text database column), else `nil`.
    public var text: String? { UTF8Text.string(bytes) }

    /// Equal when the bytes are.
    public static func == (lhs: TokenIdentifier, rhs: TokenIdentifier) -> Bool {
        lhs.bytes.withUnsafeBytes { left in rhs.bytes.withUnsafeBytes { left.hasSameBytes(as: $0) } }
    }

    /// Hashes the bytes, all at once.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// The identifier, quoted, escaped and length-capped (it may come from anyone).
    public var description: String { Printable.bytes(bytes) }
}
