/// The libmacaroons v2 JSON format:
/// `{"v":2,"l":..,"i":..,"c":[{"i":..,"l":..,"v64":..}],"s64":..}`.
///
/// A byte field `x` is written as the JSON string `"x"` when its bytes are
/// UTF-8, and as `"x64"` (URL-safe base64, unpadded) otherwise; the
/// verification id and the signature are always `v64` and `s64`. Members may
/// come in any order; unknown and duplicate members are errors; `"v"` may be
/// `2`, `"2"` or absent, as the peers differ.
import _MacaroonInternals
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

    static func decode(_ bytes: [UInt8], limits: MacaroonLimits) throws(MacaroonError) -> Macaroon {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes[...], maxDepth: limits.maxJSONDepth)
        } catch {
            throw MacaroonError(.invalidJSON, offset: error.offset, detail: error.detail)
        }
        guard case .object(let object) = value else {
            throw MacaroonError(.invalidJSON, detail: "a v2 JSON macaroon is an object, not \(value.typeName)")
        }
        try requireOnlyKeys(["v", "l", "l64", "i", "i64", "c", "s64"], in: object, field: nil)
        switch object["v"] {
        case nil, .integer(2)?, .string("2")?: break
        case let other?:
            throw MacaroonError(.unsupportedVersion, field: .version, detail: "\"v\" must be 2, got \(JSONWriter.describe(other))")
        }
        let location = try bytesMember("l", of: object, field: .location, limits: limits) ?? []
        guard let identifier = try bytesMember("i", of: object, field: .identifier, limits: limits) else {
            throw MacaroonError(.missingField, field: .identifier, detail: "\"i\" or \"i64\" is required")
        }
        guard let signatureBytes = try bytesMember("s", of: object, field: .signature, limits: limits, base64Only: true) else {
            throw MacaroonError(.missingField, field: .signature, detail: "\"s64\" is required")
        }
        guard let signature = MacaroonSignature(bytes: signatureBytes) else {
            throw MacaroonError(.invalidSignatureLength, field: .signature, detail: "the signature is \(signatureBytes.count) bytes, not 32")
        }
        var caveats: [Caveat] = []
        switch object["c"] {
        case nil:
            break
        case .array(let elements)?:
            guard elements.count <= limits.maxCaveats else {
                throw MacaroonError(.tooManyCaveats, field: .caveats, detail: "more than \(limits.maxCaveats) caveats")
            }
            caveats.reserveCapacity(elements.count)
            for element in elements {
                caveats.append(try caveat(from: element, limits: limits))
            }
        case let other?:
            throw MacaroonError(.invalidJSON, field: .caveats, detail: "\"c\" must be an array, not \(other.typeName)")
        }
        return Macaroon(location: location, identifier: identifier, caveats: caveats, signature: signature)
    }

    private static func caveat(from value: JSONValue, limits: MacaroonLimits) throws(MacaroonError) -> Caveat {
        guard case .object(let object) = value else {
            throw MacaroonError(.invalidJSON, field: .caveats, detail: "a caveat must be an object, not \(value.typeName)")
        }
        try requireOnlyKeys(["i", "i64", "l", "l64", "v", "v64"], in: object, field: .caveats)
        guard let identifier = try bytesMember("i", of: object, field: .caveatIdentifier, limits: limits) else {
            throw MacaroonError(.missingField, field: .caveatIdentifier, detail: "a caveat needs \"i\" or \"i64\"")
        }
        let location = try bytesMember("l", of: object, field: .caveatLocation, limits: limits)
        if let location, location.isEmpty {
            throw MacaroonError(.emptyField, field: .caveatLocation, detail: "an empty caveat location must be omitted")
        }
        guard let verificationID = try bytesMember("v", of: object, field: .verificationID, limits: limits) else {
            guard location == nil else {
                throw MacaroonError(.firstPartyCaveatWithLocation, field: .caveatLocation,
                                    detail: "a first-party caveat cannot carry a location")
            }
            return .firstParty(identifier: identifier)
        }
        return .thirdParty(identifier: identifier, verificationID: verificationID, location: location ?? [])
    }

    private static func requireOnlyKeys(_ allowed: Set<String>, in object: JSONObject, field: MacaroonError.Field?) throws(MacaroonError) {
        for key in object.keys where !allowed.contains(key) {
            throw MacaroonError(.invalidJSON, field: field, detail: "unknown member \"\(key)\"")
        }
    }

    /// The bytes of member `name` (a UTF-8 string) or `name64` (base64); `nil` if neither is present.
    private static func bytesMember(
        _ name: String, of object: JSONObject, field: MacaroonError.Field, limits: MacaroonLimits, base64Only: Bool = false
    ) throws(MacaroonError) -> ArraySlice<UInt8>? {
        let text = base64Only ? nil : object[name]
        let encoded = object[name + "64"]
        let bytes: [UInt8]
        switch (text, encoded) {
        case (nil, nil):
            return nil
        case (.string(let string)?, nil):
            bytes = Array(string.utf8)
        case (nil, .string(let string)?):
            do throws(Base64Error) {
                bytes = try Array(string.utf8).withUnsafeBufferPointer { (buffer) throws(Base64Error) -> [UInt8] in
                    try Base64.decode(buffer, strictness: .anyPeerSpelling)
                }
            } catch {
                throw MacaroonError(error, field: field)
            }
        case (_?, _?):
            throw MacaroonError(.invalidJSON, field: field, detail: "both \"\(name)\" and \"\(name)64\" are present")
        case (let other?, nil), (nil, let other?):
            throw MacaroonError(.invalidJSON, field: field, detail: "\(field.rawValue) must be a string, not \(other.typeName)")
        }
        guard bytes.count <= limits.maxFieldLength else {
            throw MacaroonError(.fieldTooLong, field: field,
                                detail: "a field of \(bytes.count) bytes exceeds the limit of \(limits.maxFieldLength)")
        }
        return bytes[...]
    }
}
