/// Whitespace as JSON (RFC 8259) and HTTP headers define it: space, tab, line
/// feed and carriage return. The one definition the package uses.
package enum Whitespace {
    /// Whether `byte` is whitespace.
    @inline(__always)
    package static func contains(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

extension StringProtocol {
    /// The text without leading and trailing ``Whitespace`` (bytes, not Unicode's wider set).
    package func trimmingWhitespace() -> SubSequence {
        var start: String.Index?
        var end = startIndex
        for index in utf8.indices where !Whitespace.contains(utf8[index]) {
            if start == nil { start = index }
            end = utf8.index(after: index)
        }
        return self[(start ?? endIndex)..<(start == nil ? endIndex : end)]
    }
}
