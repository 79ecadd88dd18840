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

    /// Four tables of 256 entries, one per character position in a group of four.
    /// Entry `position * 256 + byte` holds the byte's sextet already shifted to where
    /// it lands in the group's three output bytes (read as a little-endian word), so a
    /// group decodes with four lookups and three ORs. The top byte holds the
    /// character's class: `urlSafeFlag` for `-` and `_`, `standardFlag` for `+` and
    /// `/`, `invalidFlag` for bytes outside both alphabets (and no data bits).
    private static let decodingTables: [UInt32] = {
        var tables = [UInt32](repeating: invalidFlag, count: 4 * 256)
        func set(_ character: UInt8, _ sextet: UInt32, _ flag: UInt32) {
            let index = Int(character)
            tables[index] = sextet << 2 | flag
            tables[256 + index] = sextet >> 4 | (sextet & 0x0F) << 12 | flag
            tables[512 + index] = (sextet >> 2) << 8 | (sextet & 0x03) << 22 | flag
            tables[768 + index] = sextet << 16 | flag
        }
        for (sextet, character) in urlSafeAlphabet.enumerated() { set(character, UInt32(sextet), 0) }
        set(UInt8(ascii: "-"), 62, urlSafeFlag)
        set(UInt8(ascii: "_"), 63, urlSafeFlag)
        set(UInt8(ascii: "+"), 62, standardFlag)
        set(UInt8(ascii: "/"), 63, standardFlag)
        return tables
    }()
    private static let urlSafeFlag: UInt32 = 0x0100_0000
    private static let standardFlag: UInt32 = 0x0200_0000
    private static let invalidFlag: UInt32 = 0x8000_0000

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
        _ text: UnsafeBufferPointer<UInt8>, strictness: Strictness
    ) throws(Base64Error) -> [UInt8] {
        var failure: Base64Error?
        let output = [UInt8](unsafeUninitializedCapacity: maxDecodedCount(text.count)) { buffer, initialized in
            do throws(Base64Error) {
                initialized = try decode(text, strictness: strictness, into: buffer)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// An upper bound of the decoded size of `count` characters, with the spare
    /// byte the decoder needs (it stores each group of three bytes as a word of four).
    package static func maxDecodedCount(_ count: Int) -> Int {
        count / 4 * 3 + 2
    }

    /// Decodes `text` (ASCII bytes) into `output`, which holds at least
    /// ``maxDecodedCount(_:)`` bytes; returns the number of bytes written.
    package static func decode(
        _ text: UnsafeBufferPointer<UInt8>, strictness: Strictness,
        into buffer: UnsafeMutableBufferPointer<UInt8>
    ) throws(Base64Error) -> Int {
        func failure(_ offset: Int, _ detail: String) -> Base64Error {
            Base64Error(offset: offset, detail: detail)
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

        // `seen` collects the class flags of every character; the data bits it also collects are ignored.
        var seen: UInt32 = 0
        var spareBitsSet = false
        var out = 0
        decodingTables.withUnsafeBufferPointer { tables in
            guard let table = tables.baseAddress, let input = text.baseAddress, let output = buffer.baseAddress else { return }
            // Four characters make three bytes, stored as one word whose fourth byte the next
            // group overwrites (the buffer holds at least one byte more than full groups need).
            var offset = 0
            while offset + 4 <= length {
                let group = table[Int(input[offset])] | table[256 + Int(input[offset + 1])]
                    | table[512 + Int(input[offset + 2])] | table[768 + Int(input[offset + 3])]
                seen |= group
                UnsafeMutableRawPointer(output + out).storeBytes(of: group.littleEndian, as: UInt32.self)
                offset += 4
                out += 3
            }
            // A final group of two or three characters; the bits it does not use must be zero.
            switch length - offset {
            case 2:
                let group = table[Int(input[offset])] | table[256 + Int(input[offset + 1])]
                seen |= group
                output[out] = UInt8(truncatingIfNeeded: group)
                out += 1
                spareBitsSet = group & 0xF000 != 0
            case 3:
                let group = table[Int(input[offset])] | table[256 + Int(input[offset + 1])] | table[512 + Int(input[offset + 2])]
                seen |= group
                output[out] = UInt8(truncatingIfNeeded: group)
                output[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
                out += 2
                spareBitsSet = group & 0xC0_0000 != 0
            default:
                break
            }
        }
        let bothAlphabets = urlSafeFlag | standardFlag
        if seen & invalidFlag != 0 || seen & bothAlphabets == bothAlphabets
            || (strictness == .urlSafeUnpadded && seen & standardFlag != 0) {
            throw firstInvalidCharacter(text[..<length], strictness: strictness)
        }
        if spareBitsSet {
            throw failure(length - 1, "the last character has non-zero spare bits")
        }
        return out
    }

    /// Finds the first offending character after the fast path found a problem (slow, error path only).
    private static func firstInvalidCharacter(
        _ text: UnsafeBufferPointer<UInt8>.SubSequence, strictness: Strictness
    ) -> Base64Error {
        var sawURLSafe = false
        var sawStandard = false
        for offset in text.indices {
            let character = text[offset]
            let flags = decodingTables[Int(character)]
            if flags & invalidFlag != 0 {
                return Base64Error(offset: offset, detail: "character \(describe(character)) is not base64")
            }
            sawURLSafe = sawURLSafe || flags & urlSafeFlag != 0
            sawStandard = sawStandard || flags & standardFlag != 0
            if sawStandard && strictness == .urlSafeUnpadded {
                return Base64Error(offset: offset, detail: "character \(describe(character)) is from the standard alphabet; use '-' and '_'")
            }
            if sawURLSafe && sawStandard {
                return Base64Error(offset: offset, detail: "the URL-safe and standard alphabets are mixed")
            }
        }
        return Base64Error(offset: nil, detail: "invalid base64")
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + Hex.encode([byte])
    }
}
