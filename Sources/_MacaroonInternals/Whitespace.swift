/// Whitespace as JSON (RFC 8259) and HTTP headers define it: space, tab, line
/// feed and carriage return. The one definition the package uses.
@usableFromInline
package enum Whitespace {
    /// Whether `byte` is whitespace.
    @inlinable
    package static func contains(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

extension StringProtocol {
    /// The text without leading and trailing ``Whitespace`` (bytes, not Unicode's wider set).
    ///
    /// Looks only at the whitespace at each end (not at every byte: a token in an
    /// `Authorization` header is hundreds of bytes, and this runs on every request).
    /// Inlinable, so that it is specialized for `String` and `Substring` in the modules using it.
    @inlinable
    package func trimmingWhitespace() -> SubSequence {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, Whitespace.contains(bytes[start]) { bytes.formIndex(after: &start) }
        // Backwards by characters (`utf8` is not bidirectional here): a trailing character
        // is dropped when all of its bytes are whitespace ("\r\n" is one character).
        while start < end {
            let last = index(before: end)
            guard last >= start, self[last].utf8.allSatisfy(Whitespace.contains) else { break }
            end = last
        }
        return self[start..<end]
    }
}
