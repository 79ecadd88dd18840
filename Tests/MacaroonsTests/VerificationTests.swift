import Synchronization
import Testing
@testable import Macaroons

@Suite("Verification: predicates, tampering, third-party caveats and discharges")
struct VerificationTests {
    static let rootSecret = Array("root secret".utf8)
    static let key = MacaroonKey(derivingFrom: rootSecret)
    static let acceptAll = MacaroonVerifier(predicates: [.general { _ in true }])

    static let firstPartyOnly = Macaroon(key: key, identifier: "id".utf8, location: "https://svc/".utf8)
        .addingFirstPartyCaveat("project = foo".utf8)
        .addingFirstPartyCaveat("user = alice".utf8)

    @Test("exact and general predicates; the first unsatisfied caveat is named")
    func predicates() throws {
        try MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice")]).verify(Self.firstPartyOnly, key: Self.key)
        try MacaroonVerifier(predicates: [.exact("project = foo"), .general { $0.starts(with: "user = ".utf8) }])
            .verify(Self.firstPartyOnly, key: Self.key)
        let error = macaroonError { try MacaroonVerifier(predicates: [.exact("project = foo")]).verify(Self.firstPartyOnly, key: Self.key) }
        #expect(error?.code == .caveatNotSatisfied)
        #expect(error?.detail.contains("'user = alice'") == true)
    }

    @Test("no predicate runs before the signature has verified")
    func signatureBeforePredicates() {
        let tampered = Macaroon(location: Self.firstPartyOnly.location, identifier: Self.firstPartyOnly.identifier,
                                caveats: Array(Self.firstPartyOnly.caveats.dropLast()), signature: Self.firstPartyOnly.signature)
        let calls = Counter()
        let verifier = MacaroonVerifier(predicates: [.general { _ in calls.increment(); return true }])
        #expect(macaroonError { try verifier.verify(tampered, key: Self.key) }?.code == .signatureMismatch)
        #expect(calls.value == 0)
    }

    @Test("attenuation by a holder verifies; removing a caveat does not")
    func attenuation() throws {
        let narrowed = Self.firstPartyOnly.addingFirstPartyCaveat("time < 2030".utf8)
        try Self.acceptAll.verify(narrowed, key: Self.key)
        let stripped = Macaroon(location: narrowed.location, identifier: narrowed.identifier,
                                caveats: Array(narrowed.caveats.prefix(2)), signature: narrowed.signature)
        #expect(macaroonError { try Self.acceptAll.verify(stripped, key: Self.key) }?.code == .signatureMismatch)
    }

    @Test("raw keys sign without derivation")
    func rawKey() throws {
        let raw = try MacaroonKey(rawBytes: Array(repeating: 9, count: 32))
        let macaroon = Macaroon(key: raw, identifier: "id".utf8)
        try Self.acceptAll.verify(macaroon, key: raw)
        #expect(macaroonError { try Self.acceptAll.verify(macaroon, key: MacaroonKey(derivingFrom: Array(repeating: 9, count: 32))) }?
            .code == .signatureMismatch)
    }

    @Test("flipping any single bit of an encoded macaroon makes decode or verify fail", arguments: MacaroonFormat.allCases)
    func bitFlips(_ format: MacaroonFormat) throws {
        let encoded = try Self.firstPartyOnly.encoded(as: format)
        for index in encoded.indices {
            for bit in 0..<8 {
                var flipped = encoded
                flipped[index] ^= 1 << bit
                guard let decoded = try? Macaroon(decoding: flipped) else { continue }
                guard (try? Self.acceptAll.verify(decoded, key: Self.key)) != nil else { continue }
                // The location is a hint outside the signature (as in every peer): the only
                // change a flip may leave undetected is to the location, and only there.
                #expect(decoded.location != Self.firstPartyOnly.location, "byte \(index) bit \(bit)")
                #expect(decoded.identifier == Self.firstPartyOnly.identifier && decoded.caveats == Self.firstPartyOnly.caveats)
            }
        }
    }

    @Test("truncating an encoded macaroon anywhere makes decode fail", arguments: MacaroonFormat.allCases)
    func truncation(_ format: MacaroonFormat) throws {
        let encoded = try Self.firstPartyOnly.encoded(as: format)
        for length in 0..<encoded.count {
            #expect(macaroonError { try Macaroon(decoding: encoded.prefix(length)) } != nil, "length \(length)")
        }
    }

    // MARK: Third-party caveats

    static let caveatSecret = Array("caveat secret".utf8)
    static let root = firstPartyOnly.addingThirdPartyCaveat(secret: caveatSecret, identifier: "3p".utf8, location: "https://auth/".utf8)
    static let discharge = Macaroon(key: MacaroonKey(derivingFrom: caveatSecret), identifier: "3p".utf8, location: "https://auth/".utf8)
        .addingFirstPartyCaveat("time < 2030".utf8)

    @Test func boundDischargeVerifies() throws {
        try Self.acceptAll.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)])
        for format in MacaroonFormat.allCases {
            let decodedRoot = try Macaroon(decoding: Self.root.encoded(as: format))
            let decodedDischarge = try Macaroon(decoding: Self.discharge.bound(to: Self.root).encoded(as: format))
            try Self.acceptAll.verify(decodedRoot, key: Self.key, discharges: [decodedDischarge])
        }
    }

    @Test("discharge caveats are checked only after every signature verified")
    func dischargePredicates() {
        let strict = MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice")])
        let error = macaroonError { try strict.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)]) }
        #expect(error?.code == .caveatNotSatisfied)
        #expect(error?.detail.contains("time < 2030") == true)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        let name: String
        let root: Macaroon
        let discharges: [Macaroon]
        let code: MacaroonError.Code
        var limits = MacaroonLimits.default
        var testDescription: String { name }
    }

    static let otherRoot = firstPartyOnly.addingFirstPartyCaveat("x".utf8)
        .addingThirdPartyCaveat(secret: caveatSecret, identifier: "3p".utf8, location: "https://auth/".utf8)
    static let wrongKeyDischarge = Macaroon(key: MacaroonKey(derivingFrom: "other".utf8), identifier: "3p".utf8)

    static func replacingVerificationID(of macaroon: Macaroon, with transform: (ArraySlice<UInt8>) -> [UInt8]) -> Macaroon {
        let caveats = macaroon.caveats.map { caveat -> Caveat in
            guard case .thirdParty(let id, let vid, let location) = caveat else { return caveat }
            return .thirdParty(identifier: id, verificationID: transform(vid)[...], location: location)
        }
        return Macaroon(location: macaroon.location, identifier: macaroon.identifier, caveats: caveats, signature: macaroon.signature)
    }

    static let deepChain = nested(depth: 4)

    /// The first-party-only macaroon with a correctly signed third-party caveat whose vid is `bytes`.
    static func withVerificationID(_ bytes: [UInt8]) -> Macaroon {
        firstPartyOnly.adding(.thirdParty(identifier: Array("3p".utf8)[...], verificationID: bytes[...], location: []))
    }

    /// A chain root → d1 → d2 → ... of `depth` third-party caveats.
    static func nested(depth: Int) -> (Macaroon, [Macaroon]) {
        var root = Macaroon(key: key, identifier: "root".utf8).addingThirdPartyCaveat(secret: "s0".utf8, identifier: "d0".utf8, location: [])
        let top = root
        var discharges: [Macaroon] = []
        for level in 0..<depth {
            var discharge = Macaroon(key: MacaroonKey(derivingFrom: "s\(level)".utf8), identifier: "d\(level)".utf8)
            if level + 1 < depth {
                discharge = discharge.addingThirdPartyCaveat(secret: "s\(level + 1)".utf8, identifier: "d\(level + 1)".utf8, location: [])
            }
            discharges.append(discharge.bound(to: top))
        }
        root = top
        return (root, discharges)
    }

    static let failures: [Failure] = [
        Failure(name: "missing discharge", root: root, discharges: [], code: .missingDischarge),
        Failure(name: "discharge from the wrong key", root: root, discharges: [wrongKeyDischarge.bound(to: root)], code: .signatureMismatch),
        Failure(name: "unbound discharge", root: root, discharges: [discharge], code: .signatureMismatch),
        Failure(name: "discharge bound to another root", root: root, discharges: [discharge.bound(to: otherRoot)], code: .signatureMismatch),
        Failure(name: "discharge bound to itself", root: root, discharges: [discharge.bound(to: discharge)], code: .signatureMismatch),
        Failure(name: "same discharge twice", root: root, discharges: [discharge.bound(to: root), discharge.bound(to: root)],
                code: .unusedDischarge),
        Failure(name: "extra discharge", root: root,
                discharges: [discharge.bound(to: root), Macaroon(key: MacaroonKey(derivingFrom: "x".utf8), identifier: "x".utf8).bound(to: root)],
                code: .unusedDischarge),
        Failure(name: "discharge for a first-party-only macaroon", root: firstPartyOnly, discharges: [discharge.bound(to: firstPartyOnly)],
                code: .unusedDischarge),
        // The vid is covered by the signature, so tampering shows as a signature mismatch ...
        Failure(name: "tampered vid", root: replacingVerificationID(of: root) { vid in var bytes = Array(vid); bytes[40] ^= 1; return bytes },
                discharges: [discharge.bound(to: root)], code: .signatureMismatch),
        // ... and a correctly signed vid that cannot be opened (libmacaroons aborts on a short one) is its own error.
        Failure(name: "1-byte vid", root: withVerificationID([7]), discharges: [discharge.bound(to: withVerificationID([7]))],
                code: .invalidVerificationID),
        Failure(name: "71-byte vid", root: withVerificationID(Array(repeating: 0, count: 71)),
                discharges: [discharge.bound(to: withVerificationID(Array(repeating: 0, count: 71)))], code: .invalidVerificationID),
        Failure(name: "72-byte vid under another key", root: withVerificationID(Array(repeating: 0, count: 72)),
                discharges: [discharge.bound(to: withVerificationID(Array(repeating: 0, count: 72)))], code: .invalidVerificationID),
        Failure(name: "too many discharges", root: root, discharges: Array(repeating: discharge.bound(to: root), count: 3),
                code: .dischargeLimitExceeded, limits: MacaroonLimits(maxDischarges: 2)),
        Failure(name: "nesting deeper than the limit", root: deepChain.0, discharges: deepChain.1,
                code: .dischargeLimitExceeded, limits: MacaroonLimits(maxDischargeDepth: 3)),
    ]

    @Test("discharge failures", arguments: failures)
    func dischargeFailure(_ failure: Failure) {
        let verifier = MacaroonVerifier(predicates: [.general { _ in true }], limits: failure.limits)
        let error = macaroonError { try verifier.verify(failure.root, key: Self.key, discharges: failure.discharges) }
        #expect(error?.code == failure.code, "\(String(describing: error))")
    }

    @Test("nesting exactly at the limit verifies")
    func nestingAtLimit() throws {
        let (root, discharges) = Self.nested(depth: 3)
        try MacaroonVerifier(predicates: [], limits: MacaroonLimits(maxDischargeDepth: 3)).verify(root, key: Self.key, discharges: discharges)
        // Order of presentation does not matter.
        try MacaroonVerifier(predicates: [], limits: MacaroonLimits(maxDischargeDepth: 3))
            .verify(root, key: Self.key, discharges: discharges.reversed())
    }

    @Test("two caveats with one identifier need two discharges")
    func duplicateCaveatIdentifiers() throws {
        let twice = Self.root.addingThirdPartyCaveat(secret: Self.caveatSecret, identifier: "3p".utf8, location: [])
        let bound = Self.discharge.bound(to: twice)
        #expect(macaroonError { try Self.acceptAll.verify(twice, key: Self.key, discharges: [bound]) }?.code == .missingDischarge)
        try Self.acceptAll.verify(twice, key: Self.key, discharges: [bound, bound])
    }
}

/// A thread-safe counter for checking that closures did not run.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

@Suite("Bundles: a root and its discharges as one string")
struct BundleTests {
    static let root = VerificationTests.root
    static let discharge = VerificationTests.discharge.bound(to: VerificationTests.root)

    @Test func roundTripAndVerify() throws {
        let text = MacaroonBundle(root: Self.root, discharges: [Self.discharge]).encodedString()
        let decoded = try MacaroonBundle(decoding: text.utf8)
        #expect(decoded.root.sameParts(as: Self.root))
        #expect(decoded.discharges.count == 1 && decoded.discharges[0].sameParts(as: Self.discharge))
        try VerificationTests.acceptAll.verify(decoded.root, key: VerificationTests.key, discharges: decoded.discharges)
        // The text is go-macaroon's Slice encoding: concatenated v2 binaries in base64url.
        let concatenated = try Self.root.encoded(as: .v2Binary) + Self.discharge.encoded(as: .v2Binary)
        #expect(text == Base64.encode(concatenated))
        #expect(try MacaroonBundle(decoding: concatenated).discharges.count == 1)
        #expect(try MacaroonBundle(decoding: Self.root.encoded(as: .v2)).discharges.isEmpty)
    }

    @Test func malformedBundles() throws {
        let concatenated = try Self.root.encoded(as: .v2Binary) + Self.discharge.encoded(as: .v2Binary)
        #expect(macaroonError { try MacaroonBundle(decoding: concatenated + [0x02]) }?.code == .truncated)
        #expect(macaroonError { try MacaroonBundle(decoding: concatenated + [0x00]) }?.code == .unsupportedVersion)
        #expect(macaroonError { try MacaroonBundle(decoding: Self.root.encoded(as: .v1)) }?.code == .unknownFormat)
        let many = MacaroonBundle(root: Self.root, discharges: Array(repeating: Self.discharge, count: 3)).encodedString()
        #expect(macaroonError { try MacaroonBundle(decoding: many.utf8, limits: MacaroonLimits(maxDischarges: 2)) }?.code
            == .dischargeLimitExceeded)
        #expect(try MacaroonBundle(decoding: many.utf8, limits: MacaroonLimits(maxDischarges: 3)).discharges.count == 3)
    }
}

@Suite("One-pass verification of encoded macaroons")
struct EncodedVerificationTests {
    static func twoStep(_ verifier: MacaroonVerifier, _ input: [UInt8], _ key: MacaroonKey) -> MacaroonError? {
        macaroonError { try verifier.verify(Macaroon(decoding: input, limits: verifier.limits), key: key) }
    }

    static func onePass(_ verifier: MacaroonVerifier, _ input: [UInt8], _ key: MacaroonKey) -> MacaroonError? {
        macaroonError { try verifier.verify(encoded: input, key: key) }
    }

    @Test("same outcome and same error as decode-then-verify, on valid, tampered and truncated input")
    func agreesWithTwoStep() throws {
        let key = VerificationTests.key
        let macaroons = [VerificationTests.firstPartyOnly, VerificationTests.root,
                         VerificationTests.firstPartyOnly.addingFirstPartyCaveat([0x00, 0xFF])]
        let verifiers = [
            MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice"), .exact([0x00, 0xFF])]),
            MacaroonVerifier(predicates: [.exact("project = foo")]),
            MacaroonVerifier(predicates: [.general { $0.count > 3 }]),
            MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice")], limits: MacaroonLimits(maxCaveats: 2)),
        ]
        var successes = 0
        for macaroon in macaroons {
            for format in MacaroonFormat.allCases where format != .v1JSON || macaroon.isText {
                let encoded = try macaroon.encoded(as: format)
                var inputs = [encoded, Array(encoded.dropLast()), encoded + [0x41]]
                for index in stride(from: 0, to: encoded.count, by: 3) {
                    var flipped = encoded
                    flipped[index] ^= 0x04
                    inputs.append(flipped)
                }
                for verifier in verifiers {
                    for input in inputs {
                        let expected = Self.twoStep(verifier, input, key)
                        #expect(Self.onePass(verifier, input, key) == expected, "\(format)")
                        if expected == nil { successes += 1 }
                    }
                    #expect(Self.onePass(verifier, encoded, MacaroonKey(derivingFrom: "wrong".utf8)) == Self.twoStep(verifier, encoded, MacaroonKey(derivingFrom: "wrong".utf8)))
                }
            }
        }
        #expect(successes >= 8)
        #expect(Self.onePass(verifiers[0], [], key)?.code == .emptyInput)
    }

    @Test("many caveats: the caveat list moves off the stack and the outcome stays the same")
    func manyCaveats() throws {
        let key = VerificationTests.key
        let caveats = (0..<300).map { Array("caveat \($0)".utf8) }
        let macaroon = caveats.reduce(Macaroon(key: key, identifier: Array("id".utf8))) { $0.addingFirstPartyCaveat($1) }
        let all = MacaroonVerifier(predicates: caveats.map { .exact($0) })
        let allButLast = MacaroonVerifier(predicates: caveats.dropLast().map { .exact($0) })
        for format in [MacaroonFormat.v1, .v2, .v2Binary] {
            let encoded = try macaroon.encoded(as: format)
            #expect(Self.onePass(all, encoded, key) == nil, "\(format)")
            let error = Self.onePass(allButLast, encoded, key)
            #expect(error == Self.twoStep(allButLast, encoded, key), "\(format)")
            #expect(error?.code == .caveatNotSatisfied, "\(format)")
        }
    }
}
