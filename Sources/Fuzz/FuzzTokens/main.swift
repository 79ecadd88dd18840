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
        // Whatever parses has exactly one spelling.
        precondition(token.string == text, "a token parsed from a non-canonical spelling")
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
