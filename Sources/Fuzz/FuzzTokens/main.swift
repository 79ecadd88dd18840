// libFuzzer target: service-token parsing and Authorization headers on arbitrary text.
import MacaroonTokens

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let token = try? ServiceToken(parsing: text) {
        // Whatever parses has exactly one spelling.
        precondition(token.string == text, "a token parsed from a non-canonical spelling")
    }
    _ = try? AuthorizationHeader.token(from: text)
    return 0
}
