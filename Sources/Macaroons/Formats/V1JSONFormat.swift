import _MacaroonInternals

/// The v1 JSON format that pymacaroons and go-macaroon write for v1 macaroons
/// (libmacaroons has no JSON form):
/// `{"location":..,"identifier":..,"caveats":[{"cid":..,"vid":..,"cl":..}],"signature":"<hex>"}`.
///
/// Text fields are JSON strings, so they must be UTF-8 (the peers refuse to
/// write anything else); the verification id is base64 and the signature 64
/// lowercase hex digits.
///
/// We write one canonical form: the members in the order above, compact,
/// `location` and `caveats` always, `cid` always, `vid` and `cl` for a
/// third-party caveat (`cl` left out when empty), `vid` as URL-safe base64
/// without padding (as both peers write it).
///
/// We read what the peers write: members in any order; `location`, `caveats`
/// and a caveat's `cid` may be absent (pymacaroons leaves out an empty location,
/// an empty caveat list and an empty caveat id) and read as empty; an empty
/// `cl` is no location; `vid` in any base64 spelling. Unknown and duplicate
/// members, wrong JSON types, a missing `identifier` or `signature`, and a
/// signature that is not 64 lowercase hex digits are errors.
enum V1JSONFormat {
    // MARK: Encoding

    static func encode(_ macaroon: Macaroon) throws(MacaroonError) -> [UInt8] {
        var output: [UInt8] = []
        output.append(contentsOf: #"{"location":"#.utf8)
        try appendText(macaroon.location, field: .location, to: &output)
        output.append(contentsOf: #","identifier":"#.utf8)
        try appendText(macaroon.identifier, field: .identifier, to: &output)
        output.append(contentsOf: #","caveats":["#.utf8)
        for (index, caveat) in macaroon.caveats.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"cid":"#.utf8)
            try appendText(caveat.identifier, field: .caveatIdentifier, to: &output)
            if case .thirdParty(_, let verificationID, let location) = caveat {
                output.append(contentsOf: #","vid":"#.utf8)
                JSONWriter.appendString(Base64.encode(verificationID).utf8, to: &output)
                if !location.isEmpty {
                    output.append(contentsOf: #","cl":"#.utf8)
                    try appendText(location, field: .caveatLocation, to: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #"],"signature":""#.utf8)
        output.append(contentsOf: macaroon.signature.hexString.utf8)
        output.append(contentsOf: #""}"#.utf8)
        return output
    }

    private static func appendText(_ bytes: ArraySlice<UInt8>, field: MacaroonError.Field, to output: inout [UInt8]) throws(MacaroonError) {
        guard UTF8Text.string(bytes) != nil else {
            throw MacaroonError(.notRepresentable, field: field, detail: "v1 JSON holds text only, and this \(field.rawValue) is not UTF-8")
        }
        JSONWriter.appendString(bytes, to: &output)
    }

    // MARK: Decoding

    /// The members of the macaroon object, in the order of their names.
    enum Member: Int {
        case location, identifier, caveats, signature
        static let names: [StaticString] = ["location", "identifier", "caveats", "signature"]
    }

    private enum CaveatMember: Int {
        case identifier, verificationID, location
        static let names: [StaticString] = ["cid", "vid", "cl"]
    }

    static func decode(_ bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        try bytes.withUnsafeBufferPointer { (buffer) throws(MacaroonError) in
            var reader = JSONMacaroonReader(bytes: buffer, limits: limits)
            var location: [UInt8] = []
            var identifier: [UInt8]?
            var signature: MacaroonSignature?
            var caveats: [Caveat] = []
            try reader.readObject(names: Member.names, field: nil, depth: 1) { (reader, index, offset) throws(MacaroonError) in
                switch Member(rawValue: index)! {
                case .location: location = try reader.readText(field: .location)
                case .identifier: identifier = try reader.readText(field: .identifier)
                case .signature: signature = try hexSignature(reader.readText(field: .signature), offset: offset)
                case .caveats:
                    caveats = try reader.readCaveats(caveat)
                }
            }
            try reader.finish()
            guard let identifier else {
                throw MacaroonError(.missingField, field: .identifier, detail: "\"identifier\" is required")
            }
            guard let signature else {
                throw MacaroonError(.missingField, field: .signature, detail: "\"signature\" is required")
            }
            return Macaroon(location: location[...], identifier: identifier[...], caveats: caveats, signature: signature)
        }
    }

    private static func caveat(_ reader: inout JSONMacaroonReader) throws(MacaroonError) -> Caveat {
        let start = reader.position
        var identifier: [UInt8] = []
        var verificationID: [UInt8]?
        var location: [UInt8] = []
        try reader.readObject(names: CaveatMember.names, field: .caveats, depth: 3) { (reader, index, _) throws(MacaroonError) in
            switch CaveatMember(rawValue: index)! {
            case .identifier: identifier = try reader.readText(field: .caveatIdentifier)
            case .verificationID: verificationID = try reader.readBase64(field: .verificationID)
            case .location: location = try reader.readText(field: .caveatLocation)
            }
        }
        return try JSONMacaroonReader.caveat(identifier: identifier, verificationID: verificationID, location: location, offset: start)
    }

    /// The 32 bytes spelled by 64 lowercase hex digits.
    private static func hexSignature(_ text: [UInt8], offset: Int) throws(MacaroonError) -> MacaroonSignature {
        guard text.count == 2 * SHA256Digest.byteCount else {
            throw MacaroonError(.invalidSignatureLength, field: .signature, offset: offset,
                                detail: "the signature is \(text.count) hex digits, not 64")
        }
        guard text.allSatisfy(Hex.isLowercaseDigit), let bytes = Hex.decode(String(decoding: text, as: UTF8.self)),
              let signature = MacaroonSignature(bytes: bytes[...]) else {
            throw MacaroonError(.invalidJSON, field: .signature, offset: offset, detail: "the signature must be 64 lowercase hex digits")
        }
        return signature
    }
}
