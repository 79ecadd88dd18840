/// Renders attacker-controlled bytes and text for messages, logs and terminals.
///
/// Token fields, caveats and request values come from strangers. Echoed, they
/// could rewrite a terminal (`ESC ] 0 ; … BEL`), reorder a log line (bidi
/// overrides) or fill it. Everything echoed goes through here: control
/// characters (C0, DEL, C1), format characters (bidi controls, zero-width
/// characters) and line and paragraph separators are written as `\u{…}`, and
/// the length is capped by Unicode scalars, not `Character`s (one `Character`
/// can hold any number of combining marks). Every step is linear in the input.
package enum Printable {
    /// The default number of scalars (or, in hex, bytes) echoed.
    package static let defaultLimit = 64

    /// The most UTF-8 bytes a whole message keeps (see ``message(_:)``).
    package static let maxMessageBytes = 2_048

    /// Bytes as quoted text when the part shown is UTF-8 without characters
    /// that need escaping, and as `0x…` hex otherwise, either way at most
    /// `limit` long. Only the part shown is examined, so the cost does not grow
    /// with the input.
    package static func bytes(_ bytes: ArraySlice<UInt8>, limit: Int = defaultLimit) -> String {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var shown = String.UnicodeScalarView()
        var count = 0
        while count < limit {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar) where !needsEscaping(scalar):
                shown.append(scalar)
                count += 1
            case .emptyInput:
                return "'" + escaped(String(shown)[...], limit: limit, escapingQuotes: true) + "'"
            case .scalarValue, .error:
                return "0x" + Hex.encode(bytes.prefix(limit)) + (bytes.count > limit ? "..." : "")
            }
        }
        let isWhole = if case .emptyInput = decoder.decode(&iterator) { true } else { false }
        return "'" + escaped(String(shown)[...], limit: limit, escapingQuotes: true) + (isWhole ? "'" : "...'")
    }

    /// Text in single quotes (or without, for lists in summaries), escaped, at
    /// most `limit` scalars, then `...` if cut.
    package static func text(_ text: String, limit: Int = defaultLimit, quoted: Bool = true) -> String {
        rendered(text[...], limit: limit, quoted: quoted)
    }

    /// Text in single quotes (or without), escaped, at most `limit` scalars, then `...` if cut.
    package static func text(_ text: Substring, limit: Int = defaultLimit, quoted: Bool = true) -> String {
        rendered(text, limit: limit, quoted: quoted)
    }

    /// The work of the `text` functions, non-generic: a generic version called from
    /// another module ran unspecialized, about 7,000 instructions per call for a
    /// short name (Benchmarks/RESULTS.md, "after issue 14").
    private static func rendered(_ text: Substring, limit: Int, quoted: Bool) -> String {
        // The common case, printable ASCII within the limit, copied once (no copy of a
        // whole `String` unquoted; none at all for the short texts a `String` holds inline).
        var text = text
        let plain = text.withUTF8 { bytes -> String? in
            guard bytes.count <= limit, allPlain(bytes, escapingQuotes: quoted) else { return nil }
            guard quoted else { return "" }
            return String(unsafeUninitializedCapacity: bytes.count + 2) { buffer in
                buffer[0] = UInt8(ascii: "'")
                _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(fromContentsOf: bytes)
                buffer[bytes.count + 1] = UInt8(ascii: "'")
                return bytes.count + 2
            }
        }
        if let plain { return quoted ? plain : String(text) }
        let body = escaped(text, limit: limit, escapingQuotes: quoted)
        return quoted ? "'" + body + "'" : body
    }

    /// Whether every byte is ``isPlain(_:escapingQuotes:)`` (a plain loop: `allSatisfy` with
    /// this closure was not inlined, a call per byte).
    private static func allPlain(_ bytes: UnsafeBufferPointer<UInt8>, escapingQuotes: Bool) -> Bool {
        for byte in bytes where !isPlain(byte, escapingQuotes: escapingQuotes) { return false }
        return true
    }

    /// Whether `byte` is printable ASCII that is shown as it is (in quoted text, not a quote or backslash).
    private static func isPlain(_ byte: UInt8, escapingQuotes: Bool) -> Bool {
        byte >= 0x20 && byte < 0x7F && !(escapingQuotes && (byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\\")))
    }

    /// A whole message made safe to print: characters that need escaping are
    /// escaped and the message is cut at ``maxMessageBytes``. The error types
    /// apply it to every message they are given, whatever built it.
    package static func message(_ text: String) -> String {
        // The common case: printable ASCII within the cap, returned as is.
        var text = text
        let isPlain = text.withUTF8 { bytes in
            bytes.count <= maxMessageBytes && !bytes.contains { $0 < 0x20 || $0 >= 0x7F }
        }
        if isPlain { return text }
        var output = ""
        var byteCount = 0
        for scalar in text.unicodeScalars {
            let piece = needsEscaping(scalar) ? escape(scalar) : String(scalar)
            byteCount += piece.utf8.count
            guard byteCount <= maxMessageBytes else { return output + "..." }
            output += piece
        }
        return output
    }

    /// The pieces of a message (already rendered) joined with one allocation, where
    /// interpolation appends piece by piece (about 450 instructions each). For a denial
    /// message of many pieces built on every denied upload; for two, `+` costs less.
    package static func joined(_ pieces: String...) -> String {
        var count = 0
        for piece in pieces { count += piece.utf8.count }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for var piece in pieces {
                offset = piece.withUTF8 { UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: $0) + offset }
            }
            return offset
        }
    }

    /// Whether `scalar` is written as an escape: a control, format or separator character.
    package static func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x20 && scalar.value < 0x7F { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    /// `\u{1B}`.
    package static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` escaped and capped at `limit` scalars.
    private static func escaped(_ text: Substring, limit: Int, escapingQuotes: Bool) -> String {
        // The common case, printable ASCII within the limit, is the text itself.
        var text = text
        let plain = text.withUTF8 { bytes in bytes.count <= limit && allPlain(bytes, escapingQuotes: escapingQuotes) }
        if plain { return String(text) }
        var output = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else { return output + "..." }
            count += 1
            if escapingQuotes && (scalar == "\\" || scalar == "'") {
                output += "\\" + String(scalar)
            } else {
                output += needsEscaping(scalar) ? escape(scalar) : String(scalar)
            }
        }
        return output
    }
}

extension Printable {
    /// The longest field ``display(_:)`` shows, in Unicode scalars or bytes.
    package static let displayLimit = 256

    /// Bytes shown in full for people (the tool's output): the text when it is
    /// UTF-8 without characters that act on a terminal (controls, format
    /// characters, separators), else `hex:` and the hex; either way at most
    /// ``displayLimit`` long, then how many bytes there are; `(empty)` for none.
    package static func display(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.isEmpty { return "(empty)" }
        let more = bytes.count > displayLimit ? "... (\(bytes.count) bytes)" : ""
        if let text = UTF8Text.string(bytes), !text.unicodeScalars.contains(where: needsEscaping) {
            let shown = text.unicodeScalars.prefix(displayLimit)
            return String(String.UnicodeScalarView(shown)) + (shown.count < text.unicodeScalars.count ? more : "")
        }
        return "hex:" + Hex.encode(bytes.prefix(displayLimit)) + more
    }
}
