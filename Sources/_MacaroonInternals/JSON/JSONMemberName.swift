/// The name of a JSON object member: its UTF-8 bytes with escapes resolved.
///
/// Names are compared, hashed and ordered as bytes, never as `String`: string
/// comparison applies Unicode canonical equivalence, which is slow on long
/// runs of combining marks and makes distinct names (NFC and NFD spellings)
/// equal.
package struct JSONMemberName: Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible, CustomDebugStringConvertible {
    /// The name's UTF-8 bytes.
    package let bytes: [UInt8]

    /// The name with these bytes.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The name spelled by `text`.
    package init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The name spelled by a literal.
    package init(stringLiteral text: String) {
        self.init(text)
    }

    /// The name as text.
    package var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The name quoted and escaped, as a Swift string literal.
    package var debugDescription: String { description.debugDescription }

    /// Byte order.
    package static func < (lhs: JSONMemberName, rhs: JSONMemberName) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
