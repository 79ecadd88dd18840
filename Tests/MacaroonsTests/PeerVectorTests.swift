import Testing
@testable import Macaroons

/// A macaroon minted by a peer library, from `Tests/Vectors/peers` (a copy of
/// the project's shared peer vectors, plus pymacaroons.jsonl made by
/// scripts/make-pymacaroons-vectors; see the README there).
struct PeerVector: Sendable, CustomTestStringConvertible {
    /// One serialization the peer wrote.
    struct Form: Sendable {
        /// The vector's name for it: `v1`, `v2`, `v1json` or `v2json`.
        let key: String
        let format: MacaroonFormat
        let text: String
        /// The signature of this mint (v1 and v2 forms of a third-party case are separate mints).
        let signature: String
    }

    let peer: String
    let name: String
    let rootKey: [UInt8]
    let location: [UInt8]?
    let identifier: [UInt8]
    let forms: [Form]
    let predicates: [[UInt8]]
    /// Bound discharges, by form key.
    let discharges: [String: String]
    /// What the peer wrote that is not a valid macaroon (pymacaroons' v1 of non-ASCII text), by form key.
    let invalidForms: [String: String]
    let isThirdParty: Bool

    var testDescription: String { "\(peer) \(name)" }

    /// libmacaroons and go-macaroon write our canonical v1 and v2 bytes; pymacaroons does not
    /// (it writes an empty location field).
    var writesCanonicalBinary: Bool { !peer.hasPrefix("pymacaroons") }

    static let formKeys: [(String, MacaroonFormat)] = [("v1", .v1), ("v2", .v2), ("v1json", .v1JSON), ("v2json", .v2JSON)]

    static func load(_ file: String) -> [PeerVector] {
        PeerRecord.load(file).map(PeerVector.init)
    }

    init(_ record: PeerRecord) {
        peer = record.peer
        name = record.case
        rootKey = hex(record.rootKeyHex)
        // pypitoken records name the location `domain` and give the identifier as text.
        location = (record.location ?? record.domain).map { Array($0.utf8) }
        identifier = record.identifierHex.map(hex) ?? Array((record.identifier ?? "").utf8)
        isThirdParty = (record.caveats ?? []).contains { $0.cl != nil }
        let signatureV1 = record.signatureHexV1Actual ?? record.signatureHexV1 ?? record.signatureHex
        forms = Self.formKeys.compactMap { key, format in
            (record.serializations[key] ?? nil).map {
                Form(key: key, format: format, text: $0, signature: key.hasPrefix("v1") ? signatureV1 : record.signatureHex)
            }
        }
        predicates = (record.predicatesHex ?? []).map(hex)
        discharges = (record.discharges?.first?.serializations ?? [:]).compactMapValues { $0 }
        invalidForms = record.invalidSerializations ?? [:]
    }
}

@Suite("Every serialization of every peer vector: decode, verify, fail")
struct PeerVectorTests {
    static let vectors = PeerVector.load("libmacaroons.jsonl") + PeerVector.load("go-macaroon.v2.jsonl")
        + PeerVector.load("pymacaroons.jsonl") + PeerVector.load("pypitoken.jsonl")

    @Test func vectorsArePresent() {
        #expect(Self.vectors.count == 13 + 13 + 11 + 11)
        // libmacaroons 13 (v1 only), go-macaroon 50, pymacaroons 35, pypitoken 11 (v2 only).
        #expect(Self.vectors.flatMap(\.forms).count == 109)
        #expect(Self.vectors.flatMap(\.forms).filter { $0.format == .v1JSON }.count == 19)
    }

    @Test("decodes to the peer's identifier and signature, in every form the peer wrote", arguments: vectors)
    func decodes(_ vector: PeerVector) throws {
        for form in vector.forms {
            let macaroon = try Macaroon(decoding: form.text.utf8)
            #expect(try MacaroonFormat.detect(form.text.utf8) == form.format, "\(form.key)")
            #expect(try Macaroon(decoding: form.text.utf8, as: form.format) == macaroon)
            #expect(Array(macaroon.identifier) == vector.identifier, "\(form.key)")
            #expect(macaroon.signature.hexString == form.signature, "\(form.key)")
            if let location = vector.location {
                #expect(Array(macaroon.location) == location, "\(form.key)")
            }
            // We write one canonical form, which reads back to the same macaroon.
            let canonical = try macaroon.encoded(as: form.format)
            #expect(try Macaroon(decoding: canonical) == macaroon)
            if vector.writesCanonicalBinary && (form.format == .v1 || form.format == .v2) {
                #expect(String(decoding: canonical, as: UTF8.self) == form.text, "\(form.key)")
            }
        }
    }

    @Test("pymacaroons' v1 of non-ASCII text is refused: its packet lengths count characters, not bytes")
    func invalidPeerOutput() throws {
        let invalid = Self.vectors.flatMap { $0.invalidForms.values }
        #expect(invalid.count == 1)
        for text in invalid {
            #expect(macaroonError { try Macaroon(decoding: text.utf8) }?.code == .invalidPacket)
        }
    }

    @Test("verifies with the peer's key and predicates; fails with a wrong key or a missing predicate",
          arguments: vectors.filter { !$0.isThirdParty })
    func verifies(_ vector: PeerVector) throws {
        let key = MacaroonKey(derivingFrom: vector.rootKey)
        var wrong = vector.rootKey
        wrong[0] ^= 0x01
        let wrongKey = MacaroonKey(derivingFrom: wrong)
        let verifier = MacaroonVerifier(predicates: vector.predicates.map { .exact($0) })
        for form in vector.forms {
            let macaroon = try Macaroon(decoding: form.text.utf8)
            #expect(verifier.verify(macaroon, key: key) == .allowed, "\(form.key)")
            #expect(try verifier.verify(encoded: form.text.utf8, key: key) == .allowed, "\(form.key)")
            #expect(verifier.verify(macaroon, key: wrongKey).signatureError?.code == .signatureMismatch, "\(form.key)")
            #expect(try verifier.verify(encoded: form.text.utf8, key: wrongKey).signatureError?.code == .signatureMismatch)
            // go-macaroon's v1 forms of `binary_caveat` lost a caveat: leave out the predicate of the last one there is.
            guard let last = macaroon.caveats.last?.identifier else { continue }
            let missing = MacaroonVerifier(predicates: vector.predicates.filter { $0[...] != last }.map { .exact($0) })
            #expect(missing.verify(macaroon, key: key).reasons.map(\.code) == [.caveatNotSatisfied], "\(form.key)")
            #expect(try missing.verify(encoded: form.text.utf8, key: key) == missing.verify(macaroon, key: key), "\(form.key)")
        }
    }

    @Test("third-party vectors verify with their bound discharge, and fail without it or with a wrong key",
          arguments: vectors.filter(\.isThirdParty))
    func thirdParty(_ vector: PeerVector) throws {
        let key = MacaroonKey(derivingFrom: vector.rootKey)
        let verifier = MacaroonVerifier(predicates: vector.predicates.map { .exact($0) })
        for form in vector.forms {
            let root = try Macaroon(decoding: form.text.utf8)
            guard let dischargeText = vector.discharges[form.key] else {
                Issue.record("no discharge in \(form.key)")
                continue
            }
            let bound = try Macaroon(decoding: dischargeText.utf8)
            #expect(verifier.verify(root, key: key, discharges: [bound]) == .allowed, "\(form.key)")
            #expect(verifier.verify(root, key: key).signatureError?.code == .missingDischarge, "\(form.key)")
            var wrongKey = vector.rootKey
            wrongKey[31] ^= 0x80
            #expect(verifier.verify(root, key: MacaroonKey(derivingFrom: wrongKey), discharges: [bound]).signatureError?.code
                == .signatureMismatch)
            let missing = MacaroonVerifier(predicates: vector.predicates.dropLast().map { .exact($0) })
            #expect(missing.verify(root, key: key, discharges: [bound]).reasons.map(\.code) == [.caveatNotSatisfied])
        }
    }
}
