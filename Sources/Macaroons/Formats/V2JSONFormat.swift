import _MacaroonInternals

/// The libmacaroons v2 JSON format:
/// `{"v":2,"l":..,"i":..,"c":[{"i":..,"l":..,"v64":..}],"s64":..}`.
///
/// We write one canonical form: a byte field `x` as the JSON string `"x"` when
/// its bytes are UTF-8 and as `"x64"` (URL-safe base64, unpadded) otherwise;
/// the verification id and the signature always as `v64` and `s64`.
///
/// We read what every peer writes: members in any order; `"x"` or `"x64"` for
/// every byte field, the signature included (pymacaroons and go-macaroon write
/// `"s"` when the signature happens to be UTF-8); `"v"` equal to `2`, `"2"` or
/// absent; a missing identifier or caveat identifier as empty (go-macaroon and
/// pymacaroons leave empty ones out); an empty location as none. Unknown and
/// duplicate members, and a field given in both forms, are errors.
enum V2JSONFormat {
    // MARK: Encoding

    static func encode(_ macaroon: Macaroon) -> [UInt8] {
        var output: [UInt8] = Array(#"{"v":2"#.utf8)
        if !macaroon.location.isEmpty {
            output.append(UInt8(ascii: ","))
            appendMember("l", macaroon.location, to: &output)
        }
        output.append(UInt8(ascii: ","))
        appendMember("i", macaroon.identifier, to: &output)
        output.append(contentsOf: #","c":["#.utf8)
        for (index, caveat) in macaroon.caveats.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "{"))
            appendMember("i", caveat.identifier, to: &output)
            if case .thirdParty(_, let verificationID, let location) = caveat {
                if !location.isEmpty {
                    output.append(UInt8(ascii: ","))
                    appendMember("l", location, to: &output)
                }
                output.append(UInt8(ascii: ","))
                appendMember("v", verificationID, to: &output, forceBase64: true)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #"],"#.utf8)
        appendMember("s", macaroon.signature.bytes[...], to: &output, forceBase64: true)
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static func appendMember(_ name: String, _ bytes: ArraySlice<UInt8>, to output: inout [UInt8], forceBase64: Bool = false) {
        if !forceBase64, String(validating: bytes, as: UTF8.self) != nil {
            JSONWriter.appendString(name.utf8, to: &output)
            output.append(UInt8(ascii: ":"))
            JSONWriter.appendString(bytes, to: &output)
        } else {
            JSONWriter.appendString((name + "64").utf8, to: &output)
            output.append(UInt8(ascii: ":"))
            JSONWriter.appendString(Base64.encode(bytes).utf8, to: &output)
        }
    }

    // MARK: Decoding

    /// The members of the macaroon object and of a caveat object, in the order of their names.
    private enum Member: Int {
        case version, location, location64, identifier, identifier64, caveats, signature, signature64
        static let names: [StaticString] = ["v", "l", "l64", "i", "i64", "c", "s", "s64"]
    }

    private enum CaveatMember: Int {
        case identifier, identifier64, location, location64, verificationID, verificationID64
        static let names: [StaticString] = ["i", "i64", "l", "l64", "v", "v64"]
    }

    static func decode(_ bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        try bytes.withUnsafeBufferPointer { (buffer) throws(MacaroonError) in
            var reader = JSONMacaroonReader(bytes: buffer, limits: limits)
            var location: [UInt8] = []
            var identifier: [UInt8] = []
            var signature: [UInt8]?
            var signatureOffset = 0
            var caveats: [Caveat] = []
            var forms = TextOrBase64()
            try reader.readObject(names: Member.names, field: nil, depth: 1) { (reader, index, offset) throws(MacaroonError) in
                let member = Member(rawValue: index)!
                switch member {
                case .version:
                    // 2 or "2" (the string compared as bytes).
                    let isVersion2 = reader.nextIsString
                        ? try reader.readText(field: .version) == [UInt8(ascii: "2")]
                        : try reader.readValue(field: .version) == .integer(2)
                    guard isVersion2 else {
                        throw MacaroonError(.unsupportedVersion, field: .version, offset: offset, detail: "\"v\" must be 2 or \"2\"")
                    }
                case .location, .location64:
                    location = try forms.read("l", base64: member == .location64, field: .location, offset: offset, from: &reader)
                case .identifier, .identifier64:
                    identifier = try forms.read("i", base64: member == .identifier64, field: .identifier, offset: offset, from: &reader)
                case .signature, .signature64:
                    signatureOffset = offset
                    signature = try forms.read("s", base64: member == .signature64, field: .signature, offset: offset, from: &reader)
                case .caveats:
                    caveats = try reader.readCaveats(caveat)
                }
            }
            try reader.finish()
            guard let signature else {
                throw MacaroonError(.missingField, field: .signature, detail: "\"s64\" or \"s\" is required")
            }
            guard let digest = MacaroonSignature(bytes: signature[...]) else {
                throw MacaroonError(.invalidSignatureLength, field: .signature, offset: signatureOffset,
                                    detail: "the signature is \(signature.count) bytes, not 32")
            }
            return Macaroon(location: location[...], identifier: identifier[...], caveats: caveats, signature: digest)
        }
    }

    private static func caveat(_ reader: inout JSONMacaroonReader) throws(MacaroonError) -> Caveat {
        let start = reader.position
        var identifier: [UInt8] = []
        var location: [UInt8] = []
        var verificationID: [UInt8]?
        var forms = TextOrBase64()
        try reader.readObject(names: CaveatMember.names, field: .caveats, depth: 3) { (reader, index, offset) throws(MacaroonError) in
            let member = CaveatMember(rawValue: index)!
            switch member {
            case .identifier, .identifier64:
                identifier = try forms.read("i", base64: member == .identifier64, field: .caveatIdentifier, offset: offset, from: &reader)
            case .location, .location64:
                location = try forms.read("l", base64: member == .location64, field: .caveatLocation, offset: offset, from: &reader)
            case .verificationID, .verificationID64:
                verificationID = try forms.read("v", base64: member == .verificationID64, field: .verificationID, offset: offset, from: &reader)
            }
        }
        return try JSONMacaroonReader.caveat(identifier: identifier, verificationID: verificationID, location: location, offset: start)
    }
}

/// Which byte fields of one v2 JSON object were given, as text (`x`) or base64 (`x64`).
private struct TextOrBase64 {
    private var given: UInt64 = 0

    /// Reads field `name` (one ASCII letter) as text or base64 and notes it; given before in
    /// the other form, it is an error (the same member twice is caught as a duplicate before this).
    mutating func read(
        _ name: Unicode.Scalar, base64: Bool, field: MacaroonError.Field, offset: Int, from reader: inout JSONMacaroonReader
    ) throws(MacaroonError) -> [UInt8] {
        let bit: UInt64 = 1 << (name.value & 63)
        guard given & bit == 0 else {
            throw MacaroonError(.invalidJSON, field: field, offset: offset, detail: "both \"\(name)\" and \"\(name)64\" are present")
        }
        given |= bit
        return try reader.readBytes(base64: base64, field: field)
    }
}
