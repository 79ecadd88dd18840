// libFuzzer target, differential: our HMAC-SHA256 (composed over OpenSSL's
// SHA-256) against OpenSSL's one-shot HMAC(); a decoded macaroon's signature
// recomputed from its parts matches a fresh mint of the same parts; the
// one-pass `verify(encoded:key:)` agrees with decode-then-verify, verdict for
// verdict and error for error; the JSON macaroon readers accept nothing the
// general JSON parser rejects; and v1 JSON and v1 packets carry the same macaroon.
@_spi(Instrumentation) import Macaroons
import _MacaroonInternals

/// A general predicate, exact ones, and a required location: every step of the order.
let verifiers = [
    MacaroonVerifier(predicates: [.general { $0.count % 2 == 0 }]),
    MacaroonVerifier(predicates: [.exact("a = 1")]),
    MacaroonVerifier(policy: CaveatPredicates([.exact("a = 1")]), location: Array("loc".utf8)),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let split = bytes.first else { return 0 }
    let keyLength = min(Int(split), bytes.count - 1)
    let key = Array(bytes[1..<(1 + keyLength)])
    let message = Array(bytes[(1 + keyLength)...])
    let ours = key.withUnsafeBytes { key in message.withUnsafeBytes { BareSignatureChain.hmac(key: key, message: $0) } }
    precondition(ours.bytes == BareSignatureChain.referenceHMAC(key: key, message: message), "HMAC differs from OpenSSL's HMAC()")

    let rootKey = MacaroonKey(derivingFrom: key)
    for verifier in verifiers {
        let onePass = Result { () throws(MacaroonError) in try verifier.verify(encoded: message, key: rootKey) }
        let twoStep = Result { () throws(MacaroonError) in verifier.verify(try Macaroon(decoding: message), key: rootKey) }
        precondition(onePass == twoStep, "one-pass verification (\(onePass)) differs from decode-then-verify (\(twoStep))")
    }

    // The JSON macaroon readers (v1 JSON, v2 JSON) accept no input the general JSON parser rejects,
    // and v1 JSON carries exactly what v1 packets carry.
    if let macaroon = try? Macaroon(decoding: message) {
        if message.first == UInt8(ascii: "{") {
            precondition((try? JSONParser.parse(message[...], maxDepth: MacaroonLimits.default.maxJSONDepth)) != nil,
                         "a JSON macaroon decoded although its JSON does not parse")
        }
        if let json = try? macaroon.encoded(as: .v1JSON), let packets = try? macaroon.encoded(as: .v1) {
            precondition((try? Macaroon(decoding: json, as: .v1JSON)) == (try? Macaroon(decoding: packets, as: .v1)),
                         "v1 JSON and v1 packets decode to different macaroons")
        }
    }

    if let macaroon = try? Macaroon(decoding: message) {
        // Re-mint the first-party chain with the library's public minting API and compare.
        var minted = Macaroon(key: rootKey, identifier: macaroon.identifier, location: macaroon.location)
        for caveat in macaroon.caveats {
            guard case .firstParty(let identifier) = caveat else { return 0 }
            minted = minted.addingFirstPartyCaveat(identifier)
        }
        precondition(BareSignatureChain.recomputedSignature(of: macaroon, key: rootKey) == minted.signature,
                     "recomputed signature differs from the minted one")
    }
    return 0
}
