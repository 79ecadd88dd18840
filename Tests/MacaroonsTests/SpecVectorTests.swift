import Foundation
import Testing
@_spi(Instrumentation) import Macaroons
@testable import _MacaroonInternals

/// The core's conformance vectors of `Specs/vectors/` (written by `swift run spec-vectors`) hold for the library.
@Suite("Conformance vectors of Specs/vectors: formats, signatures, third-party caveats")
struct SpecVectorTests {
    /// A line of formats.jsonl.
    struct FormatVector: Decodable, Sendable, CustomTestStringConvertible {
        struct CaveatRecord: Decodable, Sendable {
            let cidHex: String
            let vidHex: String?
            let clHex: String?
        }
        let name: String
        let valid: Bool
        let input: String?
        let inputHex: String?
        let format: String?
        let canonical: Bool?
        let locationHex: String?
        let identifierHex: String?
        let signatureHex: String?
        let caveats: [CaveatRecord]?
        let error: String?
        var bytes: [UInt8] { input.map { Array($0.utf8) } ?? hex(inputHex ?? "") }
        var testDescription: String { name }
    }

    /// A line of signatures.jsonl.
    struct SignatureVector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let secretHex: String?
        let rawKeyHex: String?
        let identifierHex: String
        let caveatsHex: [String]
        let signatureHex: String
        var testDescription: String { name }
    }

    /// A line of third-party.jsonl.
    struct ThirdPartyVector: Decodable, Sendable, CustomTestStringConvertible {
        let name: String
        let rootSecretHex: String
        let identifier: String
        let location: String
        let firstParty: [String]
        let signatureBeforeHex: String
        let caveatSecretHex: String
        let caveatId: String
        let caveatLocation: String
        let nonceHex: String
        let vidHex: String
        let vidBase64Url: String
        let signatureHex: String
        let dischargeCaveats: [String]
        let dischargeUnboundSignatureHex: String
        let dischargeBoundSignatureHex: String
        let rootV2: String
        let bundle: String
        var testDescription: String { name }
    }

    static let formats = vectorRecords("Specs/vectors/formats.jsonl", as: FormatVector.self)
    static let signatures = vectorRecords("Specs/vectors/signatures.jsonl", as: SignatureVector.self)
    static let thirdParties = vectorRecords("Specs/vectors/third-party.jsonl", as: ThirdPartyVector.self)

    @Test func allFilesArePresent() throws {
        // Decoding again here reports a record that does not match its type.
        _ = try loadRecords("Specs/vectors/formats.jsonl", as: FormatVector.self)
        _ = try loadRecords("Specs/vectors/signatures.jsonl", as: SignatureVector.self)
        _ = try loadRecords("Specs/vectors/third-party.jsonl", as: ThirdPartyVector.self)
        #expect(Self.formats.count >= 70)
        #expect(Self.signatures.count >= 7)
        #expect(Self.thirdParties.count >= 2)
    }

    @Test("formats", arguments: formats)
    func format(_ vector: FormatVector) throws {
        let input = vector.bytes
        guard vector.valid else {
            let error = #expect(throws: MacaroonError.self) { try Macaroon(decoding: input) }
            #expect(error?.code.description == vector.error)
            return
        }
        let macaroon = try Macaroon(decoding: input)
        #expect(try MacaroonFormat.detect(input).rawValue == vector.format)
        #expect(Hex.encode(macaroon.location) == vector.locationHex)
        #expect(Hex.encode(macaroon.identifier) == vector.identifierHex)
        #expect(macaroon.signature.hexString == vector.signatureHex)
        let caveats = vector.caveats ?? []
        #expect(caveats.count == macaroon.caveats.count)
        for (expected, caveat) in zip(caveats, macaroon.caveats) {
            #expect(Hex.encode(caveat.identifier) == expected.cidHex)
            if case .thirdParty(_, let vid, let location) = caveat {
                #expect(Hex.encode(vid) == expected.vidHex && Hex.encode(location) == expected.clHex)
            } else {
                #expect(expected.vidHex == nil)
            }
        }
        if vector.canonical == true, let format = MacaroonFormat(rawValue: vector.format ?? "") {
            #expect(try macaroon.encoded(as: format) == input)
        }
    }

    @Test("signatures", arguments: signatures)
    func signature(_ vector: SignatureVector) throws {
        let key = try vector.rawKeyHex.map { try MacaroonKey(rawBytes: hex($0)) } ?? MacaroonKey(derivingFrom: hex(vector.secretHex ?? ""))
        let caveats = vector.caveatsHex.map(hex)
        let macaroon = caveats.reduce(Macaroon(key: key, identifier: hex(vector.identifierHex))) { $0.addingFirstPartyCaveat($1) }
        #expect(macaroon.signature.hexString == vector.signatureHex)
        #expect(try MacaroonVerifier(predicates: caveats.map { .exact($0) }).verify(encoded: macaroon.encoded(as: .v2), key: key) == .allowed)
    }

    @Test("third-party caveats", arguments: thirdParties)
    func thirdParty(_ vector: ThirdPartyVector) throws {
        let key = MacaroonKey(derivingFrom: hex(vector.rootSecretHex))
        let caveatSecret = hex(vector.caveatSecretHex)
        let before = vector.firstParty.reduce(Macaroon(key: key, identifier: vector.identifier.utf8, location: vector.location.utf8)) {
            $0.addingFirstPartyCaveat($1.utf8)
        }
        #expect(before.signature.hexString == vector.signatureBeforeHex)
        let root = before.addingThirdPartyCaveat(secret: caveatSecret, identifier: vector.caveatId.utf8,
                                                 location: vector.caveatLocation.utf8, fixedNonce: hex(vector.nonceHex))
        guard case .thirdParty(_, let vid, _)? = root.caveats.last else {
            Issue.record("no third-party caveat")
            return
        }
        #expect(Hex.encode(vid) == vector.vidHex)
        #expect(Base64.encode(vid) == vector.vidBase64Url)
        #expect(root.signature.hexString == vector.signatureHex)
        let discharge = vector.dischargeCaveats.reduce(
            Macaroon(key: MacaroonKey(derivingFrom: caveatSecret), identifier: vector.caveatId.utf8, location: vector.caveatLocation.utf8)
        ) { $0.addingFirstPartyCaveat($1.utf8) }
        #expect(discharge.signature.hexString == vector.dischargeUnboundSignatureHex)
        #expect(discharge.bound(to: root).signature.hexString == vector.dischargeBoundSignatureHex)
        #expect(try root.encodedString(as: .v2) == vector.rootV2)
        let bundle = try MacaroonBundle(decoding: vector.bundle.utf8)
        #expect(MacaroonVerifier(predicates: (vector.firstParty + vector.dischargeCaveats).map { .exact($0) })
            .verify(bundle.root, key: key, discharges: bundle.discharges) == .allowed)
    }
}
