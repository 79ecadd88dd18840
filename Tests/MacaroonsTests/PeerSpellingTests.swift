import Foundation
import Testing
@testable import Macaroons
@testable import _MacaroonInternals

/// What the peers write besides our canonical forms (Specs/divergences.md has
/// the table of who writes what), and the strictness that stays.
@Suite("Peer spellings: v1 JSON, v2 JSON text or base64, left-out members, empty locations")
struct PeerSpellingTests {
    /// A macaroon whose every byte field is ASCII, so each can be written as text or base64.
    static let textual = Macaroon(
        location: Array("https://svc.example/".utf8)[...], identifier: Array("key-1".utf8)[...],
        caveats: [.firstParty(identifier: Array("a = 1".utf8)[...]),
                  .thirdParty(identifier: Array("3p".utf8)[...], verificationID: Array("vid-bytes".utf8)[...],
                              location: Array("https://auth.example/".utf8)[...])],
        signature: MacaroonSignature(bytes: Array("0123456789abcdef0123456789abcdef".utf8)[...])!)

    /// `"name":"text"` or `"name64":"base64"`.
    static func member(_ name: String, _ bytes: ArraySlice<UInt8>, base64: Bool) -> String {
        base64 ? #""\#(name)64":"\#(Base64.encode(bytes))""# : #""\#(name)":"\#(String(decoding: bytes, as: UTF8.self))""#
    }

    static func v2JSON(base64 fields: Set<String>) -> String {
        let macaroon = textual
        guard case .thirdParty(let cid, let vid, let cl) = macaroon.caveats[1] else { return "" }
        let caveats = "[{" + member("i", macaroon.caveats[0].identifier, base64: fields.contains("ci")) + "},{"
            + [member("i", cid, base64: fields.contains("ci")), member("l", cl, base64: fields.contains("cl")),
               member("v", vid, base64: fields.contains("v"))].joined(separator: ",") + "}]"
        return "{" + [member("l", macaroon.location, base64: fields.contains("l")), member("i", macaroon.identifier, base64: fields.contains("i")),
                      #""c":"# + caveats, member("s", macaroon.signature.bytes[...], base64: fields.contains("s"))].joined(separator: ",") + "}"
    }

    @Test("v2 JSON: every field, the signature included, as text or as base64")
    func v2TextOrBase64() throws {
        for field in ["l", "i", "ci", "cl", "v", "s"] {
            for base64 in [false, true] {
                let text = Self.v2JSON(base64: base64 ? [field] : [])
                #expect(try Macaroon(decoding: text.utf8) == Self.textual, "\(field) \(base64)")
            }
        }
        #expect(try Macaroon(decoding: Self.v2JSON(base64: ["l", "i", "ci", "cl", "v", "s"]).utf8) == Self.textual)
    }

    @Test("v2 JSON: a field in both forms, an unknown or a repeated member is refused at its offset")
    func v2Strictness() throws {
        let signature = #""s64":"\#(Base64.encode(Self.textual.signature.bytes))""#
        let cases: [(String, String)] = [
            (#"{"i":"a","i64":"YQ",\#(signature)}"#, #""i64""#),
            (#"{"s":"abc",\#(signature)}"#, #""s64""#),
            (#"{"i":"a",\#(signature),"c":[{"i":"x","i64":"eA"}]}"#, #""i64""#),
            (#"{"i":"a",\#(signature),"c":[{"i":"x","v":"a","v64":"YQ"}]}"#, #""v64""#),
            (#"{"i":"a",\#(signature),"x":1}"#, #""x""#),
            (#"{"i":"a",\#(signature),"c":[{"i":"x","cid":"y"}]}"#, #""cid""#),
            (#"{"i":"a","i":"b",\#(signature)}"#, #""i":"b""#),
            (#"{"i":"a",\#(signature),"identifier":"b"}"#, #""identifier""#),
            (#"{"l\u0301":"a",\#(signature)}"#, #""l\u0301""#),
        ]
        for (text, culprit) in cases {
            let error = macaroonError { try Macaroon(decoding: text.utf8) }
            #expect(error?.code == .invalidJSON, "\(text)")
            let offset = text.range(of: culprit, options: .backwards).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
            #expect(error?.offset == offset, "\(text): \(String(describing: error))")
        }
    }

    @Test("v2 JSON: what go-macaroon and pymacaroons leave out reads as empty")
    func v2LeftOut() throws {
        let signature = Base64.encode(Self.textual.signature.bytes)
        let macaroon = try Macaroon(decoding: #"{"c":[{},{"i":"b"}],"s64":"\#(signature)"}"#.utf8)
        #expect(macaroon.identifier.isEmpty && macaroon.location.isEmpty)
        #expect(macaroon.caveats == [.firstParty(identifier: []), .firstParty(identifier: Array("b".utf8)[...])])
        // An empty location is no location, also on a first-party caveat; a real one is refused there.
        #expect(try Macaroon(decoding: #"{"c":[{"i":"a","l":""}],"s64":"\#(signature)"}"#.utf8).caveats == [.firstParty(identifier: Array("a".utf8)[...])])
        #expect(macaroonError { try Macaroon(decoding: #"{"c":[{"i":"a","l":"x"}],"s64":"\#(signature)"}"#.utf8) }?.code
            == .firstPartyCaveatWithLocation)
        #expect(macaroonError { try Macaroon(decoding: #"{"i":"a"}"#.utf8) }?.code == .missingField)
    }

    @Test("v1 JSON: round trip, detection, and the shapes pymacaroons and go-macaroon write")
    func v1JSON() throws {
        let text = String(decoding: try Self.textual.encoded(as: .v1JSON), as: UTF8.self)
        #expect(text == #"{"location":"https://svc.example/","identifier":"key-1","caveats":[{"cid":"a = 1"},"#
            + #"{"cid":"3p","vid":"dmlkLWJ5dGVz","cl":"https://auth.example/"}],"#
            + #""signature":"\#(Self.textual.signature.hexString)"}"#)
        #expect(try MacaroonFormat.detect(text.utf8) == .v1JSON)
        #expect(try Macaroon(decoding: text.utf8) == Self.textual)
        #expect(try Macaroon(decoding: text.utf8, as: .v1JSON) == Self.textual)
        #expect(macaroonError { try Macaroon(decoding: text.utf8, as: .v2JSON) }?.code == .unknownFormat)
        // pymacaroons: spaces and its own member order.
        let python = #"{"identifier": "key-1", "signature": "\#(Self.textual.signature.hexString)", "location": "https://svc.example/", "#
            + #""caveats": [{"cid": "a = 1"}, {"cid": "3p", "vid": "dmlkLWJ5dGVz", "cl": "https://auth.example/"}]}"#
        #expect(try Macaroon(decoding: python.utf8) == Self.textual)
        // The vid in the standard alphabet with padding, which go-macaroon and pymacaroons also read.
        let padded = #"{"identifier":"k","signature":"\#(Self.textual.signature.hexString)","caveats":[{"cid":"x","vid":"+/8="}]}"#
        guard case .thirdParty(_, let vid, _)? = try Macaroon(decoding: padded.utf8).caveats.first else {
            Issue.record("no third-party caveat")
            return
        }
        #expect(Array(vid) == [0xFB, 0xFF])
        // Left out by pymacaroons: location, caveats, an empty cid.
        let bare = try Macaroon(decoding: #"{"identifier": "", "signature": "\#(Self.textual.signature.hexString)", "caveats": [{}]}"#.utf8)
        #expect(bare.location.isEmpty && bare.identifier.isEmpty && bare.caveats == [.firstParty(identifier: [])])
        // An empty cl (go-macaroon writes none, but reads it) is no location.
        let emptyCL = #"{"identifier":"k","signature":"\#(Self.textual.signature.hexString)","caveats":[{"cid":"x","cl":""}]}"#
        #expect(try Macaroon(decoding: emptyCL.utf8).caveats == [.firstParty(identifier: Array("x".utf8)[...])])
    }

    @Test("v1 JSON: strict, with offsets; text only on encoding")
    func v1JSONStrictness() throws {
        let signature = Self.textual.signature.hexString
        // Each error is at the last occurrence of its culprit in the text.
        let cases: [(String, MacaroonError.Code, String?)] = [
            (#"{"identifier":"a","signature":"\#(signature)","i":"b"}"#, .invalidJSON, #""i""#),
            (#"{"identifier":"a","identifier":"b"}"#, .invalidJSON, #""identifier""#),
            (#"{"identifier":1}"#, .invalidJSON, "1}"),
            (#"{"identifier":"a","caveats":{}}"#, .invalidJSON, "{}"),
            (#"{"identifier":"a","caveats":[{"cid":"x","vid":7}]}"#, .invalidJSON, "7}"),
            (#"{"identifier":"a","caveats":[{"cid":"x","vid":"a b"}]}"#, .invalidBase64, #""a b""#),
            (#"{"identifier":"a","signature":"E\#(signature.dropFirst())"}"#, .invalidJSON, #""signature""#),
            (#"{"identifier":"a","signature":"abcd"}"#, .invalidSignatureLength, #""signature""#),
            (#"{"location":"a","signature":"\#(signature)"}"#, .missingField, nil),
            (#"{"identifier":"a","caveats":[{"cid":"x","cl":"y"}]}"#, .firstPartyCaveatWithLocation, #"{"cid""#),
            (#"{"identifier":"a","signature":"\#(signature)"} {}"#, .invalidJSON, "{}"),
        ]
        for (text, code, culprit) in cases {
            let error = macaroonError { try Macaroon(decoding: text.utf8) }
            let offset = culprit.flatMap { text.range(of: $0, options: .backwards) }.map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }
            #expect(error?.code == code, "\(text): \(String(describing: error))")
            #expect(error?.offset == offset, "\(text): \(String(describing: error))")
        }
        let binary = Macaroon(key: MacaroonKey(derivingFrom: [1]), identifier: [0xFF])
        #expect(macaroonError { try binary.encoded(as: .v1JSON) }?.field == .identifier)
        let binaryCaveat = Macaroon(key: MacaroonKey(derivingFrom: [1]), identifier: [0x61]).addingFirstPartyCaveat([0xC3, 0x28])
        #expect(macaroonError { try binaryCaveat.encoded(as: .v1JSON) }?.code == .notRepresentable)
    }

    @Test("empty location fields: pymacaroons' v2 binary and go-macaroon's v1 cl read as no location")
    func emptyLocations() throws {
        let header = V2Builder().field(1, []).field(2, Array("id".utf8)).endOfSection
        let macaroon = try Macaroon(decoding: header.field(2, [0x61]).endOfSection.endOfSection.signature().bytes)
        #expect(macaroon.location.isEmpty)
        #expect(try macaroon.encoded(as: .v2Binary) == V2Builder().field(2, Array("id".utf8)).endOfSection.field(2, [0x61])
            .endOfSection.endOfSection.signature().bytes)
        // An empty location field on a caveat, first-party or third-party.
        let firstParty = try Macaroon(decoding: header.field(1, []).field(2, [0x61]).endOfSection.endOfSection.signature().bytes)
        #expect(firstParty.caveats == [.firstParty(identifier: [0x61])])
        let thirdParty = try Macaroon(decoding: header.field(1, []).field(2, [0x61]).field(4, [0x62]).endOfSection.endOfSection.signature().bytes)
        #expect(thirdParty.caveats == [.thirdParty(identifier: [0x61], verificationID: [0x62], location: [])])
        #expect(macaroonError { try Macaroon(decoding: header.field(1, [0x78]).field(2, [0x61]).endOfSection.endOfSection.signature().bytes) }?
            .code == .firstPartyCaveatWithLocation)
        let v1 = v1Text([("location", ""), ("identifier", "a"), ("cid", "b"), ("vid", "x"), ("cl", ""),
                         ("signature", String(repeating: "s", count: 32))])
        #expect(try Macaroon(decoding: v1).caveats == [.thirdParty(identifier: [0x62], verificationID: [0x78], location: [])])
    }

    @Test("member names are bytes: 64 KB of combining marks is refused at once; NFC and NFD names differ")
    func memberNamesAreBytes() throws {
        // One member whose name is 32,000 combining marks of two classes, alternating (2 bytes each):
        // comparing or hashing it as a String puts the run in canonical order, quadratic in its length
        // (seconds here); comparing bytes does not.
        let marks = String(repeating: "\u{301}\u{316}", count: 16_000)
        let input = Array(("{\"i" + marks + "\":\"a\"}").utf8)
        #expect(input.count > 64_000 && input.count <= MacaroonLimits.default.maxInputSize)
        let clock = ContinuousClock()
        var error: MacaroonError?
        let elapsed = clock.measure { error = macaroonError { try Macaroon(decoding: input) } }
        #expect(error?.code == .invalidJSON && error?.offset == 1)
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
        let parsed = clock.measure { _ = try? JSONParser.parse(Array(("{\"" + marks + "\":1,\"" + marks + "\":2}").utf8)[...], maxDepth: 4) }
        #expect(parsed < .milliseconds(500), "\(parsed)")

        // NFC "é" (C3 A9) and NFD "é" (65 CC 81) are equal as Swift strings, different as names.
        let nfc = "\u{E9}", nfd = "e\u{301}"
        #expect(nfc == nfd)
        let object = try JSONParser.parse(Array(#"{"\#(nfc)":1,"\#(nfd)":2}"#.utf8)[...], maxDepth: 4)
        guard case .object(let members) = object else {
            Issue.record("not an object")
            return
        }
        #expect(members.keys.count == 2)
        #expect(members[JSONMemberName(nfc)] == .integer(1) && members[JSONMemberName(nfd)] == .integer(2))
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(#"{"\#(nfd)":1,"\#(nfd)":2}"#.utf8)[...], maxDepth: 4) }
    }
}
