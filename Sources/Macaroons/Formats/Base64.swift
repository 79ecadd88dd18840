/// Base64 as the macaroon peers use it (RFC 4648 §4 and §5), decoded strictly.
///
/// The encoder writes the URL-safe alphabet without padding. The decoder takes
/// what libmacaroons, pymacaroons and go-macaroon emit: either alphabet (not
/// both in one input), with or without correct padding. It rejects whitespace,
/// stray characters, misplaced or excess padding, an impossible length, and
/// non-zero spare bits in the last character, so every byte string has exactly
/// one accepted spelling per alphabet and padding choice.
package enum Base64 {
    /// Which spellings a decoder accepts.
    package enum Strictness: Sendable {
        /// Only URL-safe, unpadded: the one spelling of a service token.
        case urlSafeUnpadded
        /// Either alphabet, padded or not: what the peer libraries emit.
        case anyPeerSpelling
    }

    private static let urlSafeAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// For each byte: its sextet value in bits 0-5, plus `urlSafeBit` for `-` and `_`,
    /// `standardBit` for `+` and `/`, and `invalidBit` for bytes outside both alphabets.
    private static let classes: [UInt8] = {
        var table = [UInt8](repeating: invalidBit, count: 256)
        for (value, character) in urlSafeAlphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: "-"))] |= urlSafeBit
        table[Int(UInt8(ascii: "_"))] |= urlSafeBit
        table[Int(UInt8(ascii: "+"))] = 62 | standardBit
        table[Int(UInt8(ascii: "/"))] = 63 | standardBit
        return table
    }()
    private static let urlSafeBit: UInt8 = 0x40
    private static let standardBit: UInt8 = 0x80
    private static let invalidBit: UInt8 = urlSafeBit | standardBit

    /// URL-safe base64 without padding.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        let outputCount = (bytes.count * 4 + 2) / 3
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            var out = 0
            var index = 0
            func emit(_ sextet: UInt32) {
                buffer[out] = urlSafeAlphabet[Int(sextet & 0x3F)]
                out += 1
            }
            while index + 3 <= bytes.count {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                emit(group >> 18); emit(group >> 12); emit(group >> 6); emit(group)
                index += 3
            }
            switch bytes.count - index {
            case 1:
                let group = UInt32(bytes[index]) << 16
                emit(group >> 18); emit(group >> 12)
            case 2:
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                emit(group >> 18); emit(group >> 12); emit(group >> 6)
            default:
                break
            }
            initialized = out
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes `text` (ASCII bytes) into a new array.
    package static func decode(
        _ text: UnsafeBufferPointer<UInt8>, strictness: Strictness, field: MacaroonError.Field? = nil
    ) throws(MacaroonError) -> [UInt8] {
        var failure: MacaroonError?
        let output = [UInt8](unsafeUninitializedCapacity: maxDecodedCount(text.count)) { buffer, initialized in
            do throws(MacaroonError) {
                initialized = try decode(text, strictness: strictness, field: field, into: buffer)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// An upper bound of the decoded size of `count` characters.
    package static func maxDecodedCount(_ count: Int) -> Int {
        count / 4 * 3 + 2
    }

    /// Decodes `text` (ASCII bytes) into `output`, which holds at least
    /// ``maxDecodedCount(_:)`` bytes; returns the number of bytes written.
    package static func decode(
        _ text: UnsafeBufferPointer<UInt8>, strictness: Strictness, field: MacaroonError.Field? = nil,
        into buffer: UnsafeMutableBufferPointer<UInt8>
    ) throws(MacaroonError) -> Int {
        func failure(_ offset: Int, _ detail: String) -> MacaroonError {
            MacaroonError(.invalidBase64, field: field, offset: offset, detail: detail)
        }
        var length = text.count
        var padding = 0
        while length > 0 && text[length - 1] == UInt8(ascii: "=") {
            length -= 1
            padding += 1
        }
        if padding > 0 {
            guard strictness == .anyPeerSpelling else { throw failure(length, "padding '=' is not allowed here") }
            guard padding <= 2, text.count % 4 == 0, (length + padding) % 4 == 0, (4 - length % 4) % 4 == padding else {
                throw failure(length, "padding does not match the length of the data")
            }
        }
        guard length % 4 != 1 else { throw failure(length - 1, "length \(length) is not a possible base64 length") }
        precondition(buffer.count >= maxDecodedCount(text.count), "base64 output buffer too small")

        var seen: UInt8 = 0
        var spareBitsSet = false
        var out = 0
        classes.withUnsafeBufferPointer { classes in
            // Four characters make three bytes; `seen` collects the class bits of every character.
            var input = 0
            while input + 4 <= length {
                let a = classes[Int(text[input])], b = classes[Int(text[input + 1])]
                let c = classes[Int(text[input + 2])], d = classes[Int(text[input + 3])]
                seen |= a | b | c | d
                let group = UInt32(a & 0x3F) << 18 | UInt32(b & 0x3F) << 12 | UInt32(c & 0x3F) << 6 | UInt32(d & 0x3F)
                buffer[out] = UInt8(truncatingIfNeeded: group >> 16)
                buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
                buffer[out + 2] = UInt8(truncatingIfNeeded: group)
                input += 4
                out += 3
            }
            var group: UInt32 = 0
            for offset in input..<length {
                let value = classes[Int(text[offset])]
                seen |= value
                group = group << 6 | UInt32(value & 0x3F)
            }
            switch length - input {
            case 2:
                buffer[out] = UInt8(truncatingIfNeeded: group >> 4)
                out += 1
                spareBitsSet = group & 0x0F != 0
            case 3:
                buffer[out] = UInt8(truncatingIfNeeded: group >> 10)
                buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 2)
                out += 2
                spareBitsSet = group & 0x03 != 0
            default:
                break
            }
        }
        // An invalid character, or both alphabets, set both class bits.
        if seen & invalidBit == invalidBit || (strictness == .urlSafeUnpadded && seen & standardBit != 0) {
            throw firstInvalidCharacter(text[..<length], strictness: strictness, field: field)
        }
        if spareBitsSet {
            throw failure(length - 1, "the last character has non-zero spare bits")
        }
        return out
    }

    /// Finds the first offending character after the fast path found a problem (slow, error path only).
    private static func firstInvalidCharacter(
        _ text: UnsafeBufferPointer<UInt8>.SubSequence, strictness: Strictness, field: MacaroonError.Field?
    ) -> MacaroonError {
        var sawURLSafe = false
        var sawStandard = false
        for offset in text.indices {
            let character = text[offset]
            let value = classes[Int(character)]
            if value & invalidBit == invalidBit {
                return MacaroonError(.invalidBase64, field: field, offset: offset, detail: "character \(describe(character)) is not base64")
            }
            sawURLSafe = sawURLSafe || value & urlSafeBit != 0
            sawStandard = sawStandard || value & standardBit != 0
            if sawStandard && strictness == .urlSafeUnpadded {
                return MacaroonError(.invalidBase64, field: field, offset: offset,
                                     detail: "character \(describe(character)) is from the standard alphabet; use '-' and '_'")
            }
            if sawURLSafe && sawStandard {
                return MacaroonError(.invalidBase64, field: field, offset: offset, detail: "the URL-safe and standard alphabets are mixed")
            }
        }
        return MacaroonError(.invalidBase64, field: field, detail: "invalid base64")
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + Hex.encode([byte])
    }
}
