import Synchronization
import Testing
@testable import Macaroons
@testable import _MacaroonInternals

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
        #expect(MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice")]).verify(Self.firstPartyOnly, key: Self.key) == .allowed)
        #expect(MacaroonVerifier(predicates: [.exact("project = foo"), .general { $0.starts(with: "user = ".utf8) }])
            .verify(Self.firstPartyOnly, key: Self.key) == .allowed)
        let verdict = MacaroonVerifier(predicates: [.exact("project = foo")]).verify(Self.firstPartyOnly, key: Self.key)
        #expect(verdict == .denied([DenialReason(.caveatNotSatisfied, "no predicate accepts caveat 'user = alice'", caveatIndex: 1)]))
    }

    @Test("every unsatisfied caveat is reported, with its index")
    func everyReason() {
        let narrowed = Self.firstPartyOnly.addingFirstPartyCaveat("time < 2030".utf8)
        let verdict = MacaroonVerifier(predicates: [.exact("user = alice")]).verify(narrowed, key: Self.key)
        #expect(verdict.reasons.map(\.caveatIndex) == [0, 2])
        #expect(verdict.reasons.map(\.code) == [.caveatNotSatisfied, .caveatNotSatisfied])
    }

    @Test("a required location: checked after the signature, before any caveat")
    func requiredLocation() {
        let calls = Counter()
        let verifier = MacaroonVerifier(
            policy: CaveatPredicates([.general { _ in calls.increment(); return true }]), location: Array("https://other/".utf8))
        #expect(verifier.verify(Self.firstPartyOnly, key: Self.key)
            == .denied([DenialReason(.wrongLocation, "token is for 'https://svc/', not 'https://other/'")]))
        #expect(calls.value == 0)
        var matching = verifier
        matching.location = Array("https://svc/".utf8)
        #expect(matching.verify(Self.firstPartyOnly, key: Self.key) == .allowed)
        #expect(calls.value == 2)
    }

    @Test("third-party trust: an untrusted location is a reason, the caveats are still evaluated")
    func thirdPartyTrust() {
        var verifier = MacaroonVerifier(predicates: [.exact("project = foo")])
        verifier.trustedThirdPartyLocations = [Array("https://elsewhere/".utf8)]
        let verdict = verifier.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)])
        #expect(verdict.reasons.map(\.code) == [.thirdPartyCaveatNotAccepted, .caveatNotSatisfied, .caveatNotSatisfied])
        verifier.trustedThirdPartyLocations = [Array("https://auth/".utf8)]
        #expect(verifier.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)]).reasons.map(\.code)
            == [.caveatNotSatisfied, .caveatNotSatisfied])
    }

    @Test("no predicate runs before the signature has verified")
    func signatureBeforePredicates() {
        let tampered = Macaroon(location: Self.firstPartyOnly.location, identifier: Self.firstPartyOnly.identifier,
                                caveats: Array(Self.firstPartyOnly.caveats.dropLast()), signature: Self.firstPartyOnly.signature)
        let calls = Counter()
        let verifier = MacaroonVerifier(predicates: [.general { _ in calls.increment(); return true }])
        #expect(verifier.verify(tampered, key: Self.key).signatureError?.code == .signatureMismatch)
        #expect(verifier.verify(tampered, key: Self.key).reasons.map(\.message) == ["signatures do not match"])
        #expect(calls.value == 0)
    }

    @Test("attenuation by a holder verifies; removing a caveat does not")
    func attenuation() throws {
        let narrowed = Self.firstPartyOnly.addingFirstPartyCaveat("time < 2030".utf8)
        #expect(Self.acceptAll.verify(narrowed, key: Self.key) == .allowed)
        let stripped = Macaroon(location: narrowed.location, identifier: narrowed.identifier,
                                caveats: Array(narrowed.caveats.prefix(2)), signature: narrowed.signature)
        #expect(Self.acceptAll.verify(stripped, key: Self.key).signatureError?.code == .signatureMismatch)
    }

    @Test("raw keys sign without derivation")
    func rawKey() throws {
        let raw = try MacaroonKey(rawBytes: Array(repeating: 9, count: 32))
        let macaroon = Macaroon(key: raw, identifier: "id".utf8)
        #expect(Self.acceptAll.verify(macaroon, key: raw) == .allowed)
        #expect(Self.acceptAll.verify(macaroon, key: MacaroonKey(derivingFrom: Array(repeating: 9, count: 32))).signatureError?
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
                guard Self.acceptAll.verify(decoded, key: Self.key) == .allowed else { continue }
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
        #expect(Self.acceptAll.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)]) == .allowed)
        for format in MacaroonFormat.allCases {
            let decodedRoot = try Macaroon(decoding: Self.root.encoded(as: format))
            let decodedDischarge = try Macaroon(decoding: Self.discharge.bound(to: Self.root).encoded(as: format))
            #expect(Self.acceptAll.verify(decodedRoot, key: Self.key, discharges: [decodedDischarge]) == .allowed)
        }
    }

    @Test("discharge caveats are checked only after every signature verified")
    func dischargePredicates() {
        let strict = MacaroonVerifier(predicates: [.exact("project = foo"), .exact("user = alice")])
        let verdict = strict.verify(Self.root, key: Self.key, discharges: [Self.discharge.bound(to: Self.root)])
        #expect(verdict == .denied([DenialReason(.caveatNotSatisfied, "no predicate accepts caveat 'time < 2030'", caveatIndex: 2)]))
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
        let verdict = verifier.verify(failure.root, key: Self.key, discharges: failure.discharges)
        #expect(verdict.reasons.count == 1 && verdict.reasons.first?.code == .invalidSignature)
        #expect(verdict.signatureError?.code == failure.code, "\(verdict)")
    }

    @Test("nesting exactly at the limit verifies")
    func nestingAtLimit() throws {
        let (root, discharges) = Self.nested(depth: 3)
        let verifier = MacaroonVerifier(predicates: [], limits: MacaroonLimits(maxDischargeDepth: 3))
        #expect(verifier.verify(root, key: Self.key, discharges: discharges) == .allowed)
        // Order of presentation does not matter.
        #expect(verifier.verify(root, key: Self.key, discharges: discharges.reversed()) == .allowed)
    }

    @Test("two caveats with one identifier need two discharges")
    func duplicateCaveatIdentifiers() throws {
        let twice = Self.root.addingThirdPartyCaveat(secret: Self.caveatSecret, identifier: "3p".utf8, location: [])
        let bound = Self.discharge.bound(to: twice)
        #expect(Self.acceptAll.verify(twice, key: Self.key, discharges: [bound]).signatureError?.code == .missingDischarge)
        #expect(Self.acceptAll.verify(twice, key: Self.key, discharges: [bound, bound]) == .allowed)
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
        #expect(VerificationTests.acceptAll.verify(decoded.root, key: VerificationTests.key, discharges: decoded.discharges) == .allowed)
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

    @Test("extreme discharge limits: Int.max is no limit, a negative limit admits no discharge; neither traps")
    func extremeDischargeLimits() throws {
        let many = MacaroonBundle(root: Self.root, discharges: Array(repeating: Self.discharge, count: 3)).encodedString()
        #expect(try MacaroonBundle(decoding: many.utf8, limits: MacaroonLimits(maxDischarges: .max)).discharges.count == 3)
        #expect(macaroonError { try MacaroonBundle(decoding: many.utf8, limits: MacaroonLimits(maxDischarges: -1)) }?.code
            == .dischargeLimitExceeded)
        #expect(macaroonError { try MacaroonBundle(decoding: many.utf8, limits: MacaroonLimits(maxDischarges: .min)) }?.code
            == .dischargeLimitExceeded)
    }
}

@Suite("One-pass verification of encoded macaroons")
struct OnePassVerificationTests {
    typealias Verifier = MacaroonVerifier<CaveatPredicates>

    /// Decoding then verifying: the verdict, or the decoding error.
    static func twoStep(_ verifier: Verifier, _ input: [UInt8], _ key: MacaroonKey) -> Result<Verdict, MacaroonError> {
        Result { () throws(MacaroonError) in verifier.verify(try Macaroon(decoding: input, limits: verifier.limits), key: key) }
    }

    static func onePass(_ verifier: Verifier, _ input: [UInt8], _ key: MacaroonKey) -> Result<Verdict, MacaroonError> {
        Result { () throws(MacaroonError) in try verifier.verify(encoded: input, key: key) }
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
                        if case .success(.allowed) = expected { successes += 1 }
                    }
                    #expect(Self.onePass(verifier, encoded, MacaroonKey(derivingFrom: "wrong".utf8)) == Self.twoStep(verifier, encoded, MacaroonKey(derivingFrom: "wrong".utf8)))
                }
            }
        }
        #expect(successes >= 8)
        #expect(Self.onePass(verifiers[0], [], key) == .failure(MacaroonError(.emptyInput, detail: "the input is empty")))

        // A required location is checked on the one-pass path too.
        var located = verifiers[0]
        located.location = Array("https://elsewhere/".utf8)
        let encoded = try VerificationTests.firstPartyOnly.encoded(as: .v2)
        #expect(Self.onePass(located, encoded, key).map(\.reasons.first?.code) == .success(.wrongLocation))
        #expect(Self.onePass(located, encoded, key) == Self.twoStep(located, encoded, key))
    }

    @Test("a negative caveat limit admits no caveat, as decode-then-verify does, and does not trap")
    func negativeCaveatLimit() throws {
        let key = VerificationTests.key
        let encoded = try VerificationTests.firstPartyOnly.encoded(as: .v2)
        for maxCaveats in [-1, Int.min] {
            let verifier = MacaroonVerifier(predicates: [.exact("project = foo")], limits: MacaroonLimits(maxCaveats: maxCaveats))
            #expect(macaroonError { try Self.onePass(verifier, encoded, key).get() }?.code == .tooManyCaveats)
            #expect(Self.onePass(verifier, encoded, key) == Self.twoStep(verifier, encoded, key))
        }
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
            #expect(Self.onePass(all, encoded, key) == .success(.allowed), "\(format)")
            let outcome = Self.onePass(allButLast, encoded, key)
            #expect(outcome == Self.twoStep(allButLast, encoded, key), "\(format)")
            #expect((try? outcome.get())?.reasons.map(\.caveatIndex) == [299], "\(format)")
        }
    }
}
