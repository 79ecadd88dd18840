// Writes the conformance vectors of Specs/vectors/ from the library itself:
//   swift run spec-vectors            (from the repository root)
// formats.jsonl, signatures.jsonl and third-party.jsonl are defined here;
// upload-verdicts.jsonl keeps its inputs (name, caveats, request) and gets its
// outputs (token, verdict, reasons) recomputed. The test suite checks every
// vector against the library, so a change of behaviour shows up as a diff here.
import Foundation
@_spi(Instrumentation) import Macaroons
import MacaroonTokens
import _MacaroonInternals

let vectorsDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Specs/vectors")

func hex(_ bytes: some Sequence<UInt8>) -> String { Hex.encode(bytes) }

/// Writes records as JSON Lines with sorted keys.
func write(_ records: [[String: Any]], to name: String) throws {
    let lines = try records.map { record in
        String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
    try (lines.joined(separator: "\n") + "\n").write(to: vectorsDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    print("\(name): \(records.count) vectors")
}

/// The input as text when it is UTF-8, otherwise as hex.
func inputFields(_ bytes: [UInt8]) -> [String: Any] {
    if bytes.first != 0x02, let text = String(validating: bytes, as: UTF8.self) { return ["input": text] }
    return ["input_hex": hex(bytes)]
}

func caveatFields(_ caveat: Caveat) -> [String: Any] {
    switch caveat {
    case .firstParty(let identifier):
        return ["cid_hex": hex(identifier)]
    case .thirdParty(let identifier, let verificationID, let location):
        return ["cid_hex": hex(identifier), "vid_hex": hex(verificationID), "cl_hex": hex(location)]
    }
}

// MARK: formats.jsonl

let readmeKey = MacaroonKey(derivingFrom: "this is the key".utf8)
let readme = Macaroon(key: readmeKey, identifier: "keyid".utf8, location: "http://example.org/".utf8)
    .addingFirstPartyCaveat("account = 3735928559".utf8)
let binaryFields = Macaroon(key: readmeKey, identifier: [0x00, 0xFF, 0x80], location: [])
    .addingFirstPartyCaveat([0x00, 0x0A, 0xFE])
let thirdParty = readme.addingThirdPartyCaveat(
    secret: "caveat secret".utf8, identifier: "user is alice".utf8, location: "https://auth.example/".utf8,
    fixedNonce: Array(repeating: 1, count: 24))

func validRecord(_ name: String, _ macaroon: Macaroon, input: [UInt8], format: MacaroonFormat, canonical: Bool) -> [String: Any] {
    var record = inputFields(input)
    record.merge([
        "name": name, "valid": true, "format": format.rawValue, "canonical": canonical,
        "location_hex": hex(macaroon.location), "identifier_hex": hex(macaroon.identifier),
        "caveats": macaroon.caveats.map(caveatFields), "signature_hex": macaroon.signature.hexString,
    ]) { $1 }
    return record
}

var formats: [[String: Any]] = []
for (name, macaroon) in [("readme", readme), ("binary fields", binaryFields), ("third-party", thirdParty)] {
    for format in MacaroonFormat.allCases {
        // v1 JSON carries text only: the binary fields have no v1 JSON form.
        guard let input = try? macaroon.encoded(as: format) else { continue }
        formats.append(validRecord("\(name), \(format)", macaroon, input: input, format: format, canonical: true))
    }
}
let readmeV2 = try readme.encodedString(as: .v2)
let standardAlphabet = readmeV2.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
let padding = String(repeating: "=", count: (4 - readmeV2.count % 4) % 4)
let signature64 = Base64.encode(readme.signature.bytes)
for (name, text, format) in [
    ("readme, v2, standard alphabet", standardAlphabet, MacaroonFormat.v2),
    ("readme, v2, padded", readmeV2 + padding, .v2),
    ("readme, v2, standard alphabet, padded", standardAlphabet + padding, .v2),
    ("readme, v2 JSON, version as a string, members reordered",
     #"{"s64":"\#(signature64)","c":[{"i":"account = 3735928559"}],"i":"keyid","l":"http://example.org/","v":"2"}"#, .v2JSON),
    ("readme, v2 JSON, no version, escapes and base64 fields",
     #"{"l64":"aHR0cDovL2V4YW1wbGUub3JnLw","i":"key\u0069d","c":[{"i64":"YWNjb3VudCA9IDM3MzU5Mjg1NTk="}],"s64":"\#(signature64)"}"#, .v2JSON),
] {
    formats.append(validRecord(name, readme, input: Array(text.utf8), format: format, canonical: false))
}

// What the peers write besides our canonical forms (Specs/divergences.md lists who writes which).
let readmeHex = readme.signature.hexString
let noLocation = Macaroon(key: readmeKey, identifier: "keyid".utf8).addingFirstPartyCaveat("account = 3735928559".utf8)
    .addingFirstPartyCaveat([])
let emptyIdentifier = Macaroon(key: readmeKey, identifier: [], location: "http://example.org/".utf8).addingFirstPartyCaveat([])
// pymacaroons' case utf8_signature (Tests/Vectors/peers/pymacaroons.jsonl): this signature happens to be valid UTF-8.
let utf8Signature = Macaroon(key: MacaroonKey(derivingFrom: Array(0..<32)), identifier: "utf8-signature".utf8,
                             location: "https://example.org/".utf8)
    .addingFirstPartyCaveat("project = foo".utf8).addingFirstPartyCaveat("nonce = 345467847".utf8)
let thirdPartyNoLocation = readme.addingThirdPartyCaveat(
    secret: "caveat secret".utf8, identifier: "user is alice".utf8, location: [], fixedNonce: Array(repeating: 1, count: 24))
guard case .thirdParty(_, let noLocationVIDSlice, _)? = thirdPartyNoLocation.caveats.last else { fatalError("no third-party caveat") }
let noLocationVID = Array(noLocationVIDSlice)
var signatureText: [UInt8] = []
JSONWriter.appendString(utf8Signature.signature.bytes, to: &signatureText)
let peerSpellings: [(String, Macaroon, [UInt8], MacaroonFormat)] = [
    ("v2 binary, empty location field (pymacaroons)", noLocation, [0x02] + field(1, []) + (try noLocation.encoded(as: .v2Binary)).dropFirst(),
     .v2Binary),
    ("v1, empty cl packet (go-macaroon)", thirdPartyNoLocation, Array(Base64.encode(packets([
        ("location", Array(thirdPartyNoLocation.location)), ("identifier", Array(thirdPartyNoLocation.identifier)),
        ("cid", Array("account = 3735928559".utf8)), ("cid", Array("user is alice".utf8)), ("vid", noLocationVID), ("cl", []),
        ("signature", thirdPartyNoLocation.signature.bytes),
    ])).utf8), .v1),
    ("v1 JSON, go-macaroon's member order", readme,
     Array(#"{"caveats":[{"cid":"account = 3735928559"}],"location":"http://example.org/","identifier":"keyid","signature":"\#(readmeHex)"}"#.utf8), .v1JSON),
    ("v1 JSON, pymacaroons' spacing, no location, empty cid left out", noLocation,
     Array(#"{"identifier": "keyid", "signature": "\#(noLocation.signature.hexString)", "caveats": [{"cid": "account = 3735928559"}, {}]}"#.utf8), .v1JSON),
    ("v2 JSON, empty identifier and caveat id left out (go-macaroon)", emptyIdentifier,
     Array(#"{"c":[{}],"l":"http://example.org/","s64":"\#(Base64.encode(emptyIdentifier.signature.bytes))"}"#.utf8), .v2JSON),
    ("v2 JSON, signature as text (pymacaroons, go-macaroon)", utf8Signature,
     Array(#"{"i": "utf8-signature", "s": "#.utf8) + signatureText
        + Array(#", "l": "https://example.org/", "c": [{"i": "project = foo"}, {"i": "nonce = 345467847"}]}"#.utf8), .v2JSON),
]
for (name, macaroon, input, format) in peerSpellings {
    formats.append(validRecord(name, macaroon, input: input, format: format, canonical: false))
}

/// v2 binary built field by field, for invalid inputs.
func field(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] { [tag, UInt8(value.count)] + value }
let header: [UInt8] = [0x02] + field(2, Array("id".utf8)) + [0]
let signatureField = field(6, Array(repeating: 0xAB, count: 32))
/// v1 packets, `HHHHkey value\n` each.
func packets(_ fields: [(String, [UInt8])]) -> [UInt8] {
    fields.flatMap { key, value -> [UInt8] in
        let header = String(4 + key.utf8.count + 1 + value.count + 1, radix: 16)
        return Array((String(repeating: "0", count: 4 - header.count) + header + key + " ").utf8) + value + [0x0A]
    }
}
func v1(_ fields: [(String, String)]) -> [UInt8] {
    Array(Base64.encode(packets(fields.map { ($0, Array($1.utf8)) })).utf8)
}
let zeroSignature = Base64.encode([UInt8](repeating: 0, count: 32))
let invalid: [(String, [UInt8], MacaroonError.Code)] = [
    ("empty input", [], .emptyInput),
    ("base64 of text that is no macaroon", Array("aGVsbG8".utf8), .unknownFormat),
    ("a character outside base64", Array("AgE!".utf8), .invalidBase64),
    ("whitespace inside base64", Array("AgET aHR0".utf8), .invalidBase64),
    ("both base64 alphabets", Array("Ag-/".utf8), .invalidBase64),
    ("impossible base64 length", Array("AgETa".utf8), .invalidBase64),
    ("non-zero spare bits", Array("AgF".utf8), .invalidBase64),
    ("wrong padding", Array("AgE==".utf8), .invalidBase64),
    ("padding then more text", Array(readmeV2.prefix(8) + "=" + readmeV2.dropFirst(9)).map { $0.asciiValue ?? 0 }, .invalidBase64),
    ("lone 0x02", [0x02], .truncated),
    ("field runs past the end", [0x02, 2, 5, 0x61], .truncated),
    ("truncated varint", [0x02, 2, 0x80], .truncated),
    ("non-minimal varint", [0x02, 2, 0x82, 0x00, 0x61, 0x62], .invalidVarint),
    ("overlong varint", [0x02, 2] + Array(repeating: 0xFF, count: 10), .invalidVarint),
    ("huge length field", [0x02, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .fieldTooLong),
    ("unknown tag", [0x02] + field(3, [1]), .unexpectedField),
    ("tags out of order", [0x02] + field(2, [1]) + field(1, [1]), .unexpectedField),
    ("repeated identifier", [0x02] + field(2, [1]) + field(2, [1]), .unexpectedField),
    ("no identifier", [0x02] + field(1, [1]) + [0], .missingField),
    ("vid in the header", [0x02] + field(2, [1]) + field(4, [1]) + [0], .unexpectedField),
    ("first-party caveat with a location", header + field(1, [1]) + field(2, [1]) + [0, 0] + signatureField, .firstPartyCaveatWithLocation),
    ("caveat list not terminated", header + field(2, [1]) + [0], .truncated),
    ("31-byte signature", header + [0] + field(6, Array(repeating: 0xAB, count: 31)), .invalidSignatureLength),
    ("identifier where the signature belongs", header + [0] + field(2, [1]), .unexpectedField),
    ("a byte after the signature", header + [0] + signatureField + [0], .trailingBytes),
    ("v1 uppercase hex length", Array(Base64.encode(Array("001Blocation x\n".utf8)).utf8), .unknownFormat),
    ("v1 packet too short", Array(Base64.encode(Array("0005a\n".utf8)).utf8), .invalidPacket),
    ("v1 packet runs past the end", Array(Base64.encode(Array("0020location x\n".utf8)).utf8), .truncated),
    ("v1 packet without newline", Array(Base64.encode(Array("000flocation xx".utf8)).utf8), .invalidPacket),
    ("v1 unknown key", Array(Base64.encode(Array("000clocatio x\n".utf8)).utf8), .invalidPacket),
    ("v1 identifier first", v1([("identifier", "a")]), .unexpectedField),
    ("v1 cl after a first-party cid", v1([("location", ""), ("identifier", "a"), ("cid", "b"), ("cl", "x")]), .firstPartyCaveatWithLocation),
    ("v1 vid without cid", v1([("location", ""), ("identifier", "a"), ("vid", "x")]), .unexpectedField),
    ("v1 second identifier", v1([("location", ""), ("identifier", "a"), ("identifier", "x")]), .unexpectedField),
    ("v1 no signature", v1([("location", ""), ("identifier", "a")]), .truncated),
    ("v1 short signature", v1([("location", ""), ("identifier", "a"), ("signature", "abc")]), .invalidSignatureLength),
    ("v1 second vid", v1([("location", ""), ("identifier", "a"), ("cid", "b"), ("vid", "x"), ("vid", "y")]), .unexpectedField),
    ("v1 second cl", v1([("location", ""), ("identifier", "a"), ("cid", "b"), ("vid", "x"), ("cl", "y"), ("cl", "z")]),
     .firstPartyCaveatWithLocation),
    ("v1 key longer than cid", v1([("location", ""), ("identifier", "a"), ("cidx", "b")]), .invalidPacket),
    ("v1 key shorter than cid", v1([("location", ""), ("identifier", "a"), ("ci", "b")]), .invalidPacket),
    ("v1 packet after the signature", v1([("location", ""), ("identifier", "a"), ("signature", String(repeating: "s", count: 32)),
                                          ("cid", "b")]), .trailingBytes),
    ("JSON not an object", Array("{]".utf8), .invalidJSON),
    ("JSON unknown member", Array(#"{"i":"a","s64":"","x":1}"#.utf8), .invalidJSON),
    ("JSON duplicate member", Array(#"{"i":"a","i":"b"}"#.utf8), .invalidJSON),
    ("JSON wrong type", Array(#"{"i":1}"#.utf8), .invalidJSON),
    ("JSON both i and i64", Array(#"{"i":"a","i64":"YQ"}"#.utf8), .invalidJSON),
    ("JSON version 3", Array(#"{"v":3,"i":"a"}"#.utf8), .unsupportedVersion),
    ("JSON version 2.0", Array(#"{"v":2.0,"i":"a"}"#.utf8), .unsupportedVersion),
    ("JSON no identifier", Array(#"{"v":2}"#.utf8), .missingField),
    ("JSON no signature", Array(#"{"i":"a"}"#.utf8), .missingField),
    ("JSON short signature", Array(#"{"i":"a","s64":"AAAA"}"#.utf8), .invalidSignatureLength),
    ("JSON short signature as text", Array(#"{"i":"a","s":"AAAA"}"#.utf8), .invalidSignatureLength),
    ("JSON signature as text and base64", Array(#"{"i":"a","s":"AAAA","s64":"AAAA"}"#.utf8), .invalidJSON),
    ("JSON member name with a combining mark", Array("{\"i\u{301}\":\"a\"}".utf8), .invalidJSON),
    ("v1 JSON unknown member", Array(#"{"identifier":"a","signature":"\#(String(repeating: "0", count: 64))","v":2}"#.utf8), .invalidJSON),
    ("v1 JSON duplicate member", Array(#"{"identifier":"a","identifier":"b"}"#.utf8), .invalidJSON),
    ("v1 JSON wrong type", Array(#"{"identifier":"a","caveats":{}}"#.utf8), .invalidJSON),
    ("v1 JSON no identifier", Array(#"{"location":"a","signature":"\#(String(repeating: "0", count: 64))"}"#.utf8), .missingField),
    ("v1 JSON no signature", Array(#"{"identifier":"a"}"#.utf8), .missingField),
    ("v1 JSON uppercase hex signature", Array(#"{"identifier":"a","signature":"\#(String(repeating: "A", count: 64))"}"#.utf8), .invalidJSON),
    ("v1 JSON short signature", Array(#"{"identifier":"a","signature":"00"}"#.utf8), .invalidSignatureLength),
    ("v1 JSON caveat with an unknown member", Array(#"{"identifier":"a","caveats":[{"cid":"x","i":"y"}]}"#.utf8), .invalidJSON),
    ("v1 JSON first-party caveat with a location", Array(#"{"identifier":"a","caveats":[{"cid":"x","cl":"y"}]}"#.utf8),
     .firstPartyCaveatWithLocation),
    ("v1 JSON vid not base64", Array(#"{"identifier":"a","caveats":[{"cid":"x","vid":"a b"}]}"#.utf8), .invalidBase64),
    ("JSON invalid base64", Array(#"{"i64":"a b"}"#.utf8), .invalidBase64),
    ("JSON content after the object", Array(#"{"i":"a"} x"#.utf8), .invalidJSON),
    ("JSON nested deeper than 32", Array(("{\"c\":" + String(repeating: "[", count: 100)).utf8), .invalidJSON),
    ("JSON caveats not an array", Array(#"{"i":"a","s64":"\#(zeroSignature)","c":{}}"#.utf8), .invalidJSON),
    ("JSON first-party caveat with a location", Array(#"{"i":"a","s64":"\#(zeroSignature)","c":[{"i":"x","l":"y"}]}"#.utf8),
     .firstPartyCaveatWithLocation),
    ("JSON caveat with an unknown member", Array(#"{"i":"a","s64":"\#(zeroSignature)","c":[{"i":"x","q":"y"}]}"#.utf8), .invalidJSON),
    ("JSON lone surrogate", Array(#"{"i":"\ud800"}"#.utf8), .invalidJSON),
    ("JSON invalid UTF-8", [0x7B, 0x22, 0x69, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], .invalidJSON),
    ("input over 65,536 bytes", Array(repeating: 0x41, count: 65_537), .inputTooLarge),
]
for (name, input, code) in invalid {
    var record = inputFields(input)
    record.merge(["name": name, "valid": false, "error": code.description]) { $1 }
    precondition((try? Macaroon(decoding: input)) == nil, "\(name) decodes")
    formats.append(record)
}
try write(formats, to: "formats.jsonl")

// MARK: signatures.jsonl

var signatures: [[String: Any]] = []
@MainActor func signatureRecord(_ name: String, secret: [UInt8]? = nil, rawKey: [UInt8]? = nil, identifier: [UInt8], caveats: [[UInt8]]) throws {
    let key = try rawKey.map { try MacaroonKey(rawBytes: $0) } ?? MacaroonKey(derivingFrom: secret ?? [])
    let macaroon = caveats.reduce(Macaroon(key: key, identifier: identifier)) { $0.addingFirstPartyCaveat($1) }
    var record: [String: Any] = ["name": name, "identifier_hex": hex(identifier), "caveats_hex": caveats.map(hex),
                                 "signature_hex": macaroon.signature.hexString]
    if let secret { record["secret_hex"] = hex(secret) }
    if let rawKey { record["raw_key_hex"] = hex(rawKey) }
    signatures.append(record)
}
try signatureRecord("libmacaroons README, no caveat", secret: Array("this is the key".utf8), identifier: Array("keyid".utf8), caveats: [])
try signatureRecord("libmacaroons README, one caveat", secret: Array("this is the key".utf8), identifier: Array("keyid".utf8),
                    caveats: [Array("account = 3735928559".utf8)])
try signatureRecord("empty secret and identifier", secret: [], identifier: [], caveats: [[]])
try signatureRecord("secret longer than a SHA-256 block", secret: Array(repeating: 0xAA, count: 131), identifier: Array("id".utf8),
                    caveats: [Array("a".utf8), Array("b".utf8)])
try signatureRecord("binary identifier and caveats", secret: Array(0...31), identifier: Array(0...255),
                    caveats: [[0x00, 0xFF, 0x0A], Array(repeating: 0x7F, count: 200)])
try signatureRecord("raw 32-byte key, no derivation", rawKey: Array(0...31), identifier: Array("id".utf8), caveats: [Array("a".utf8)])
try signatureRecord("PyPI-style caveats", secret: Array(repeating: 0x42, count: 32), identifier: Array("0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b".utf8),
                    caveats: [Array("[0,1900000000,1700000000]".utf8), Array(#"[1,["sampleproject"]]"#.utf8)])
try write(signatures, to: "signatures.jsonl")

// MARK: third-party.jsonl

var thirdParties: [[String: Any]] = []
@MainActor func thirdPartyRecord(
    _ name: String, rootSecret: [UInt8], identifier: String, location: String, firstParty: [String], caveatSecret: [UInt8],
    caveatID: String, caveatLocation: String, nonce: [UInt8], dischargeCaveats: [String]
) throws {
    let key = MacaroonKey(derivingFrom: rootSecret)
    let before = firstParty.reduce(Macaroon(key: key, identifier: identifier.utf8, location: location.utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
    let root = before.addingThirdPartyCaveat(secret: caveatSecret, identifier: caveatID.utf8, location: caveatLocation.utf8, fixedNonce: nonce)
    let discharge = dischargeCaveats.reduce(Macaroon(key: MacaroonKey(derivingFrom: caveatSecret), identifier: caveatID.utf8,
                                                     location: caveatLocation.utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
    let bound = discharge.bound(to: root)
    guard MacaroonVerifier(predicates: (firstParty + dischargeCaveats).map { .exact($0) }).verify(root, key: key, discharges: [bound]).isAllowed else {
        fatalError("third-party vector \(name) does not verify")
    }
    guard case .thirdParty(_, let vid, _)? = root.caveats.last else { return }
    thirdParties.append([
        "name": name, "root_secret_hex": hex(rootSecret), "identifier": identifier, "location": location, "first_party": firstParty,
        "signature_before_hex": before.signature.hexString, "caveat_secret_hex": hex(caveatSecret), "caveat_id": caveatID,
        "caveat_location": caveatLocation, "nonce_hex": hex(nonce), "vid_hex": hex(vid), "vid_base64url": Base64.encode(vid),
        "signature_hex": root.signature.hexString, "discharge_caveats": dischargeCaveats,
        "discharge_unbound_signature_hex": discharge.signature.hexString, "discharge_bound_signature_hex": bound.signature.hexString,
        "root_v2": try root.encodedString(as: .v2), "discharge_bound_v2": try bound.encodedString(as: .v2),
        "bundle": MacaroonBundle(root: root, discharges: [bound]).encodedString(),
    ])
}
try thirdPartyRecord(
    "libmacaroons README, all-zero nonce", rootSecret: Array("this is a different super-secret key; never use the same secret twice".utf8),
    identifier: "we used our other secret key", location: "http://mybank/", firstParty: ["account = 3735928559"],
    caveatSecret: Array("4; guaranteed random by a fair toss of the dice".utf8), caveatID: "this was how we remind auth of key/pred",
    caveatLocation: "http://auth.mybank/", nonce: Array(repeating: 0, count: 24), dischargeCaveats: ["time < 2020-01-01T00:00"])
try thirdPartyRecord(
    "no first-party caveat, counting nonce", rootSecret: Array(repeating: 7, count: 32), identifier: "root", location: "",
    firstParty: [], caveatSecret: Array(repeating: 9, count: 32), caveatID: "2fa", caveatLocation: "",
    nonce: Array(0..<24), dischargeCaveats: [])
try write(thirdParties, to: "third-party.jsonl")

// MARK: upload-verdicts.jsonl (inputs kept, outputs recomputed)

let verdictSecret = [UInt8](repeating: 0x42, count: 32)
let verdictFile = vectorsDirectory.appendingPathComponent("upload-verdicts.jsonl")
let rows = try String(contentsOf: verdictFile, encoding: .utf8).split(separator: "\n").map {
    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
}
var verdicts: [[String: Any]] = []
for row in rows {
    let caveats = row["caveats"] as? [String] ?? []
    let requestFields = row["request"] as? [String: Any] ?? [:]
    let macaroon = caveats.reduce(Macaroon(key: MacaroonKey(derivingFrom: verdictSecret), identifier: "token-id".utf8,
                                           location: "pypi.org".utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
    let token = try ServiceToken(prefix: "pypi", macaroon: macaroon)
    var identity: UploadRequest.Identity?
    if let user = requestFields["user_id"] as? String { identity = .user(id: user) }
    if let publisher = requestFields["publisher_id"] as? String {
        identity = .trustedPublisher(id: publisher, projectIDs: Set(requestFields["publisher_project_ids"] as? [String] ?? []))
    }
    let name = requestFields["project_name"] as? String
    let id = requestFields["project_id"] as? String
    let request = UploadRequest(project: name != nil || id != nil ? .init(name: name ?? "", id: id) : nil, identity: identity,
                                now: (requestFields["now"] as? NSNumber)?.int64Value ?? 0)
    let verdict = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
        .verify(token, key: MacaroonKey(derivingFrom: verdictSecret), request: request)
    verdicts.append([
        "name": row["name"] ?? "", "caveats": caveats, "request": requestFields,
        "token": token.string, "root_secret_hex": hex(verdictSecret), "identifier": "token-id", "location": "pypi.org",
        "allowed": verdict.isAllowed, "reasons": verdict.reasons.map { ["code": $0.code.description, "message": $0.message] },
    ])
}
try write(verdicts, to: "upload-verdicts.jsonl")
