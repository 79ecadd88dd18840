import NIOCore

/// JSON text written directly into a buffer, for the small answers that do not need `JSONEncoder`.
enum JSONText {
    /// Writes `text` as a JSON string (RFC 8259): quoted, with `"` and `\` escaped and the
    /// control characters U+0000 to U+001F written as `\u00XX`. Other characters are copied
    /// as UTF-8, which JSON allows.
    static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        buffer.writeInteger(UInt8(ascii: "\""))
        // Bytes, not `Character`s: a quote followed by a combining mark is one `Character`.
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                if byte < 0x20 {
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hexDigits[Int(byte >> 4)])
                    buffer.writeInteger(hexDigits[Int(byte & 0xF)])
                } else {
                    buffer.writeInteger(UInt8(ascii: "\\"))
                    buffer.writeInteger(byte)
                }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
