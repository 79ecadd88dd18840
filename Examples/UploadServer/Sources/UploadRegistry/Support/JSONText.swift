import NIOCore

/// JSON text written directly into a buffer, for the small answers that do not need `JSONEncoder`.
enum JSONText {
    /// Writes `text` as a JSON string (RFC 8259): quoted, with `"` and `\` escaped and the
    /// control characters U+0000 to U+001F written as `\u00XX`. Other characters are copied
    /// as UTF-8, which JSON allows.
    static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        // Bytes, not `Character`s: a quote followed by a combining mark is one `Character`.
        var start = text.utf8.startIndex
        for index in text.utf8.indices {
            let byte = text.utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            buffer.writeBytes(text.utf8[start..<index])
            if byte < 0x20 {
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hexDigits[Int(byte >> 4)])
                buffer.writeInteger(hexDigits[Int(byte & 0xF)])
            } else {
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(byte)
            }
            start = text.utf8.index(after: index)
        }
        buffer.writeBytes(text.utf8[start...])
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
