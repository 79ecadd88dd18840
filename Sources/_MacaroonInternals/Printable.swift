/// Renders bytes for people: as text when they are UTF-8 without control
/// characters, as hexadecimal otherwise. The one byte-rendering helper of the
/// package, for messages and for the tool's output alike.
package enum Printable {
    /// The bytes as text, when they are UTF-8 with no control character (Unicode category Cc, C0 and C1); else `nil`.
    package static func text(_ bytes: ArraySlice<UInt8>) -> String? {
        guard let text = UTF8Text.string(bytes),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return text
    }

    /// For messages: `'text'` or `0x` and hex, capped at `limit` characters or bytes.
    package static func bytes(_ bytes: ArraySlice<UInt8>, limit: Int = 64) -> String {
        if let text = text(bytes) {
            return text.count > limit ? "'\(text.prefix(limit))...'" : "'\(text)'"
        }
        return "0x" + Hex.encode(bytes.prefix(limit)) + (bytes.count > limit ? "..." : "")
    }

    /// For display in full: the text, or `hex:` and the hex; `(empty)` for no bytes.
    package static func display(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.isEmpty { return "(empty)" }
        return text(bytes) ?? "hex:" + Hex.encode(bytes)
    }
}
