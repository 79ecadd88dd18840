// libFuzzer target: service-token parsing and Authorization headers on arbitrary text.
// Every error must be safe to print, and a Basic user name is never echoed.
import Macaroons
import MacaroonTokens
import _MacaroonInternals

func requireSafe(_ error: TokenError) {
    precondition(!error.detail.unicodeScalars.contains(where: Printable.needsEscaping), "unescaped: \(error.detail.debugDescription)")
    precondition(error.detail.utf8.count <= Printable.maxMessageBytes + 3, "uncapped error")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let token = try ServiceToken(parsing: text)
        // Whatever parses has one text spelling: the token written again is the same text, except
        // that empty location fields (which pymacaroons writes, and we read as none) are left out.
        let canonical = token.string
        if canonical != text {
            guard let bytes = body(text), let canonicalBytes = body(canonical) else { preconditionFailure("a parsed token is not base64url") }
            precondition(withoutEmptyLocationFields(bytes) == canonicalBytes, "a token parsed from a non-canonical spelling")
        }
        precondition((try? ServiceToken(parsing: canonical))?.string == canonical, "the canonical spelling does not read back")
    } catch {
        requireSafe(error)
    }
    do {
        _ = try AuthorizationHeader.token(from: text)
    } catch {
        requireSafe(error)
    }
    return 0
}

/// The bytes after the prefix and `-` of a token, base64url-decoded.
func body(_ token: String) -> [UInt8]? {
    let text = Array(token.utf8.drop { $0 != UInt8(ascii: "-") }.dropFirst())
    return try? text.withUnsafeBufferPointer { (buffer) throws(Base64Error) in try Base64.decode(buffer, strictness: .urlSafeUnpadded) }
}

/// The fields of a valid v2 macaroon (`0x02`, then fields `tag length value` and `0x00` section ends),
/// without the location fields (tag 1) of length 0.
func withoutEmptyLocationFields(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = [bytes[0]]
    var index = 1
    func varint() -> Int {
        var value = 0, shift = 0
        while true {
            let byte = bytes[index]
            index += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }
    while index < bytes.count {
        let start = index
        let tag = varint()
        if tag == 0 {
            output.append(0)
            continue
        }
        let length = varint()
        index += length
        if !(tag == 1 && length == 0) { output += bytes[start..<index] }
    }
    return output
}
