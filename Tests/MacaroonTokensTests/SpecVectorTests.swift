import Foundation
import Testing
@_spi(Instrumentation) import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// Every conformance vector of `Specs/vectors/` (written by `swift run spec-vectors`) holds for the library.
@Suite("Conformance vectors of Specs/vectors")
struct SpecVectorTests {
    static func records(_ name: String) -> [[String: Any]] {
        (try? loadJSONLines("Specs/vectors/" + name)) ?? []
    }

    static func input(_ record: [String: Any]) -> [UInt8] {
        (record["input"] as? String).map { Array($0.utf8) } ?? hex(record["input_hex"] as? String ?? "")
    }

    /// One vector, kept as its JSON text so it can be a test argument.
    struct Named: Sendable, CustomTestStringConvertible {
        let json: Data
        let testDescription: String
        init(_ record: [String: Any]) {
            json = (try? JSONSerialization.data(withJSONObject: record)) ?? Data()
            testDescription = record["name"] as? String ?? "?"
        }
        var record: [String: Any] { ((try? JSONSerialization.jsonObject(with: json)) as? [String: Any]) ?? [:] }
        subscript(key: String) -> Any? { record[key] }
    }

    @Test func allFilesArePresent() {
        #expect(Self.records("formats.jsonl").count >= 70)
        #expect(Self.records("signatures.jsonl").count >= 7)
        #expect(Self.records("third-party.jsonl").count >= 2)
        #expect(Self.records("upload-verdicts.jsonl").count >= 60)
    }

    @Test("formats", arguments: records("formats.jsonl").map(Named.init))
    func format(_ vector: Named) throws {
        let input = Self.input(vector.record)
        guard vector["valid"] as? Bool == true else {
            let error = #expect(throws: MacaroonError.self) { try Macaroon(decoding: input) }
            #expect(error?.code.description == vector["error"] as? String)
            return
        }
        let macaroon = try Macaroon(decoding: input)
        #expect(try MacaroonFormat.detect(input).rawValue == vector["format"] as? String)
        #expect(Hex.encode(macaroon.location) == vector["location_hex"] as? String)
        #expect(Hex.encode(macaroon.identifier) == vector["identifier_hex"] as? String)
        #expect(macaroon.signature.hexString == vector["signature_hex"] as? String)
        let caveats = vector["caveats"] as? [[String: String]] ?? []
        #expect(caveats.count == macaroon.caveats.count)
        for (expected, caveat) in zip(caveats, macaroon.caveats) {
            #expect(Hex.encode(caveat.identifier) == expected["cid_hex"])
            if case .thirdParty(_, let vid, let location) = caveat {
                #expect(Hex.encode(vid) == expected["vid_hex"] && Hex.encode(location) == expected["cl_hex"])
            } else {
                #expect(expected["vid_hex"] == nil)
            }
        }
        if vector["canonical"] as? Bool == true, let format = MacaroonFormat(rawValue: vector["format"] as? String ?? "") {
            #expect(try macaroon.encoded(as: format) == input)
        }
    }

    @Test("signatures", arguments: records("signatures.jsonl").map(Named.init))
    func signature(_ vector: Named) throws {
        let key = try (vector["raw_key_hex"] as? String).map { try MacaroonKey(rawBytes: hex($0)) }
            ?? MacaroonKey(derivingFrom: hex(vector["secret_hex"] as? String ?? ""))
        let caveats = (vector["caveats_hex"] as? [String] ?? []).map(hex)
        let macaroon = caveats.reduce(Macaroon(key: key, identifier: hex(vector["identifier_hex"] as? String ?? ""))) {
            $0.addingFirstPartyCaveat($1)
        }
        #expect(macaroon.signature.hexString == vector["signature_hex"] as? String)
        #expect(try MacaroonVerifier(predicates: caveats.map { .exact($0) }).verify(encoded: macaroon.encoded(as: .v2), key: key) == .allowed)
    }

    @Test("third-party caveats", arguments: records("third-party.jsonl").map(Named.init))
    func thirdParty(_ vector: Named) throws {
        let key = MacaroonKey(derivingFrom: hex(vector["root_secret_hex"] as? String ?? ""))
        let firstParty = vector["first_party"] as? [String] ?? []
        let caveatSecret = hex(vector["caveat_secret_hex"] as? String ?? "")
        let caveatID = vector["caveat_id"] as? String ?? ""
        let before = firstParty.reduce(Macaroon(key: key, identifier: (vector["identifier"] as? String ?? "").utf8,
                                                location: (vector["location"] as? String ?? "").utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
        #expect(before.signature.hexString == vector["signature_before_hex"] as? String)
        let root = before.addingThirdPartyCaveat(secret: caveatSecret, identifier: caveatID.utf8,
                                                 location: (vector["caveat_location"] as? String ?? "").utf8,
                                                 fixedNonce: hex(vector["nonce_hex"] as? String ?? ""))
        guard case .thirdParty(_, let vid, _)? = root.caveats.last else {
            Issue.record("no third-party caveat")
            return
        }
        #expect(Hex.encode(vid) == vector["vid_hex"] as? String)
        #expect(Base64.encode(vid) == vector["vid_base64url"] as? String)
        #expect(root.signature.hexString == vector["signature_hex"] as? String)
        let dischargeCaveats = vector["discharge_caveats"] as? [String] ?? []
        let discharge = dischargeCaveats.reduce(Macaroon(key: MacaroonKey(derivingFrom: caveatSecret), identifier: caveatID.utf8,
                                                         location: (vector["caveat_location"] as? String ?? "").utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
        #expect(discharge.signature.hexString == vector["discharge_unbound_signature_hex"] as? String)
        #expect(discharge.bound(to: root).signature.hexString == vector["discharge_bound_signature_hex"] as? String)
        #expect(try root.encodedString(as: .v2) == vector["root_v2"] as? String)
        let bundle = try MacaroonBundle(decoding: (vector["bundle"] as? String ?? "").utf8)
        #expect(MacaroonVerifier(predicates: (firstParty + dischargeCaveats).map { .exact($0) })
            .verify(bundle.root, key: key, discharges: bundle.discharges) == .allowed)
    }

    @Test("upload verdicts", arguments: records("upload-verdicts.jsonl").map(Named.init))
    func uploadVerdict(_ vector: Named) throws {
        let verifier = UploadTokenVerifier(prefix: "pypi", location: vector["location"] as? String)
        let token = try verifier.parse(vector["token"] as? String ?? "")
        #expect(token.macaroon.caveats.map { String(decoding: $0.identifier, as: UTF8.self) } == vector["caveats"] as? [String])
        let request = uploadRequest(from: vector["request"] as? [String: Any] ?? [:])
        let verdict = verifier.verify(token, key: MacaroonKey(derivingFrom: hex(vector["root_secret_hex"] as? String ?? "")), request: request)
        #expect(verdict.isAllowed == vector["allowed"] as? Bool)
        let reasons = vector["reasons"] as? [[String: String]] ?? []
        #expect(verdict.reasons.map(\.code.description) == reasons.map { $0["code"] ?? "" })
        #expect(verdict.reasons.map(\.message) == reasons.map { $0["message"] ?? "" })
    }
}
