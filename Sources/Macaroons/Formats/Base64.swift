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

    /// Sextet values for both alphabets; 0xFF marks a byte outside them.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in urlSafeAlphabet.enumerated() { table[Int(character)] = UInt8(value) }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        return table
    }()

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

    /// Decodes `text` (ASCII bytes); `offsetBase` is added to error offsets.
    package static func decode(
        _ text: UnsafeBufferPointer<UInt8>, strictness: Strictness, field: MacaroonError.Field? = nil
    ) throws(MacaroonError) -> [UInt8] {
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

        var sawURLSafe = false
        var sawStandard = false
        let outputCount = length / 4 * 3 + max(0, length % 4 - 1)
        var firstError: MacaroonError?
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            var accumulator: UInt32 = 0
            var bits = 0
            var out = 0
            for offset in 0..<length {
                let character = text[offset]
                let sextet = sextets[Int(character)]
                switch character {
                case UInt8(ascii: "-"), UInt8(ascii: "_"): sawURLSafe = true
                case UInt8(ascii: "+"), UInt8(ascii: "/"): sawStandard = true
                default: break
                }
                if sextet == 0xFF || (sawURLSafe && sawStandard)
                    || (strictness == .urlSafeUnpadded && sawStandard)
                {
                    let what = sextet == 0xFF ? "character \(describe(character)) is not base64" :
                        sawURLSafe && sawStandard ? "the URL-safe and standard alphabets are mixed" :
                        "character \(describe(character)) is from the standard alphabet; use '-' and '_'"
                    firstError = failure(offset, what)
                    break
                }
                accumulator = accumulator << 6 | UInt32(sextet)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    buffer[out] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                    out += 1
                }
            }
            if firstError == nil, bits > 0, accumulator & ((1 << UInt32(bits)) - 1) != 0 {
                firstError = failure(length - 1, "the last character has non-zero spare bits")
            }
            initialized = out
        }
        if let firstError { throw firstError }
        return output
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + Hex.encode([byte])
    }
}
