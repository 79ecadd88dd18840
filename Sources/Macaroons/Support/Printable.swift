/// Renders bytes for messages: quoted text when UTF-8 and printable, hex otherwise.
package enum Printable {
    package static func bytes(_ bytes: ArraySlice<UInt8>, limit: Int = 64) -> String {
        if let text = UTF8Text.string(bytes),
           !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return text.count > limit ? "'\(text.prefix(limit))...'" : "'\(text)'"
        }
        return "0x" + Hex.encode(bytes.prefix(limit)) + (bytes.count > limit ? "..." : "")
    }
}
