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
        // Whatever parses has exactly one spelling, but for one tolerated form: an empty
        // location field (pymacaroons writes one), which `string` leaves out.
        let v2 = (try? token.macaroon.encoded(as: .v2Binary)) ?? []
        let withEmptyLocation = token.prefix + "-" + Base64.encode([0x02, 0x01, 0x00] + v2.dropFirst())
        precondition(token.string == text || (token.macaroon.location.isEmpty && text == withEmptyLocation),
                     "a token parsed from a non-canonical spelling")
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
