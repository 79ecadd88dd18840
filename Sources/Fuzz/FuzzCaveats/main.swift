// libFuzzer target: the caveat language and the full upload verifier.
// First byte modulo 4:
//   0, 2: the input is one caveat's bytes, decoded and evaluated, then the only
//         caveat of a correctly signed token verified end to end;
//   1:    the input is a token string verified end to end (its key is known, so
//         signature-valid mutations reach the caveat evaluation too);
//   3:    three 64-bit integers (expires_at, not_before, now) written into the
//         tagged and the legacy expiry caveats, whose verdict is checked against
//         `not_before <= now < expires_at` (issue 13.1: boundary times).
// Every message, summary and reason must be safe to print (issue 13.6).
import Macaroons
import MacaroonTokens
import _MacaroonInternals

let secret = [UInt8](repeating: 7, count: 32)
let key = MacaroonKey(derivingFrom: secret)
let verifier = UploadTokenVerifier(prefix: "pypi")
let keys: InMemoryKeyStore = {
    var store = InMemoryKeyStore()
    store.store(secret: secret, forIdentifier: "id")
    return store
}()
let requests = [
    UploadRequest(project: .init(name: "Foo.Bar", id: "p1"), identity: .user(id: "u1"), now: 1_800_000_000),
    UploadRequest(project: .init(name: "x", id: "p2"), identity: .trustedPublisher(id: "t1", projectIDs: ["p2"]), now: 0),
    UploadRequest(now: Int64.max),
    UploadRequest(now: Int64.min),
]

func requireSafe(_ text: String) {
    precondition(!text.unicodeScalars.contains(where: Printable.needsEscaping), "unescaped text: \(text.debugDescription)")
}

func verifyEverywhere(_ token: ServiceToken, extra: [UploadRequest] = []) -> [UploadVerdict] {
    (requests + extra).map { request in
        let verdict = verifier.verify(token, key: key, request: request)
        verdict.reasons.forEach { requireSafe($0.message) }
        return verdict
    }
}

func signed(_ caveat: [UInt8]) -> ServiceToken? {
    try? ServiceToken(prefix: "pypi", macaroon: Macaroon(key: key, identifier: "id".utf8).addingFirstPartyCaveat(caveat))
}

/// Mode 3: the verdict of every spelling of an expiry window equals its definition.
func checkTimes(_ bytes: ArraySlice<UInt8>) {
    var words = [Int64](repeating: 0, count: 3)
    for (index, byte) in bytes.prefix(24).enumerated() {
        words[index / 8] |= Int64(byte) << Int64(8 * (index % 8))
    }
    let (expiresAt, notBefore, now) = (words[0], words[1], words[2])
    let spellings = ["[0,\(expiresAt),\(notBefore)]", #"{"exp":\#(expiresAt),"nbf":\#(notBefore)}"#]
    for spelling in spellings {
        guard let token = signed(Array(spelling.utf8)) else { continue }
        let verdict = verifyEverywhere(token, extra: [UploadRequest(now: now)]).last ?? .allowed
        if notBefore < expiresAt {
            precondition(verdict.isAllowed == (notBefore <= now && now < expiresAt), "wrong verdict for \(spelling) at \(now)")
            if let caveat = try? CaveatLanguage.pypi.decode(ArraySlice(spelling.utf8)) { requireSafe(caveat.summary) }
        } else {
            precondition(verdict.reasons.map(\.code) == [.invalidCaveat], "an empty window was accepted: \(spelling)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let selector = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    switch selector % 4 {
    case 3:
        checkTimes(input[...])
    case 1:
        let text = String(decoding: input, as: UTF8.self)
        if let token = try? verifier.parse(text) {
            _ = verifyEverywhere(token)
            // The key store path: identifiers hashed and compared as bytes.
            _ = keys.rootKey(forIdentifier: TokenIdentifier(token.macaroon.identifier))
        }
    default:
        do {
            let caveat = try CaveatLanguage.pypi.decode(input[...])
            for request in requests {
                _ = caveat.evaluate(request)
                // Summaries relative to any time (inspect's words) are safe to print too.
                requireSafe(caveat.summary(now: request.now))
            }
            requireSafe(caveat.summary)
            _ = caveat.details
        } catch {
            requireSafe(error.detail)
        }
        // The same bytes as the only caveat of a correctly signed token.
        if let token = signed(input) { _ = verifyEverywhere(token) }
    }
    return 0
}
