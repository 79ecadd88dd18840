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

extension StringProtocol where UTF8View: BidirectionalCollection {
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
        // Usually the last byte is not whitespace: then neither is the last character, and
        // there is nothing to trim (no grapheme breaking, which costs more than the rest).
        if start < end, !Whitespace.contains(bytes[bytes.index(before: end)]) { return self[start..<end] }
        // Backwards by characters, not bytes: a trailing character is dropped when all of its
        // bytes are whitespace ("\r\n" is one character), and a range ending inside a character
        // would be rounded down to its start (U+0600 and a space are one character).
        while start < end {
            let last = index(before: end)
            guard last >= start, self[last].utf8.allSatisfy(Whitespace.contains) else { break }
            end = last
        }
        return self[start..<end]
    }
}
