// libFuzzer target: the caveat language and the full upload verifier.
// Even first byte: the input is one caveat's bytes, decoded and evaluated.
// Odd first byte: the input is a token string verified end to end (its key is
// known, so signature-valid mutations reach the caveat evaluation too).
import Macaroons
import MacaroonTokens

let secret = [UInt8](repeating: 7, count: 32)
let key = MacaroonKey(derivingFrom: secret)
let verifier = UploadTokenVerifier(prefix: "pypi")
let requests = [
    UploadRequest(project: .init(name: "Foo.Bar", id: "p1"), identity: .user(id: "u1"), now: 1_800_000_000),
    UploadRequest(project: .init(name: "x", id: "p2"), identity: .trustedPublisher(id: "t1", projectIDs: ["p2"]), now: 0),
    UploadRequest(now: Int64.max),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    if selector % 2 == 0 {
        if let caveat = try? CaveatLanguage.pypi.decode(input[...]) {
            for request in requests { _ = caveat.evaluate(request) }
            _ = caveat.summary
        }
        // The same bytes as the only caveat of a correctly signed token.
        let macaroon = Macaroon(key: key, identifier: "id".utf8).addingFirstPartyCaveat(input)
        if let token = try? ServiceToken(prefix: "pypi", macaroon: macaroon) {
            for request in requests { _ = verifier.verify(token, key: key, request: request) }
        }
    } else if let token = try? verifier.parse(String(decoding: input, as: UTF8.self)) {
        for request in requests { _ = verifier.verify(token, key: key, request: request) }
    }
    return 0
}
