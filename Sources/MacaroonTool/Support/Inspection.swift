import Macaroons
import MacaroonTokens
import _MacaroonInternals

/// What `macaroon inspect` reports, rendered as text or as the stable JSON of Specs/tool.md.
struct Inspection {
    let token: PresentedToken
    let now: Int64
    /// Whether the signature is shown. With the identifier and caveats it is the
    /// bearer token itself (in hex, which log masking and secret scanning miss),
    /// so it is redacted unless asked for.
    var showsSignature = false

    /// The stable JSON object.
    var json: JSONValue {
        let macaroon = token.macaroon
        var members: [(key: JSONMemberName, value: JSONValue)] = [
            ("prefix", token.serviceToken.map { .string($0.prefix) } ?? .null),
            ("format", .string(token.format)),
        ]
        members += Self.bytesMembers("location", macaroon.location)
        members += Self.bytesMembers("identifier", macaroon.identifier)
        members.append(("caveats", .array(macaroon.caveats.map { caveatJSON($0) })))
        members.append(("signature_hex", showsSignature ? .string(macaroon.signature.hexString) : .null))
        return .object(JSONObject(members))
    }

    /// `name` as text (or null when not UTF-8) and `name_hex`.
    private static func bytesMembers(_ name: String, _ bytes: ArraySlice<UInt8>) -> [(key: JSONMemberName, value: JSONValue)] {
        [(JSONMemberName(name), String(validating: bytes, as: UTF8.self).map(JSONValue.string) ?? .null), (JSONMemberName(name + "_hex"), .string(Hex.encode(bytes)))]
    }

    private func caveatJSON(_ caveat: Caveat) -> JSONValue {
        var members = Self.bytesMembers("id", caveat.identifier)
        switch caveat {
        case .firstParty(let identifier):
            members += [("kind", .string("first-party")), ("location", .null), ("decoded", decodedJSON(identifier))]
        case .thirdParty(_, let verificationID, let location):
            members += [("kind", .string("third-party")),
                        ("location", String(validating: location, as: UTF8.self).map(JSONValue.string) ?? .null),
                        ("vid_hex", .string(Hex.encode(verificationID))), ("decoded", .null)]
        }
        return .object(JSONObject(members))
    }

    /// The upload caveat decoded, or null when the caveat is not in PyPI's language.
    private func decodedJSON(_ bytes: ArraySlice<UInt8>) -> JSONValue {
        guard let caveat = try? CaveatLanguage.pypi.decode(bytes) else { return .null }
        let details = caveat.details
        var members: [(key: JSONMemberName, value: JSONValue)] = [("type", .string(details.kind))]
        members += details.fields.map { (JSONMemberName($0.name), $0.value.json) }
        members.append(("summary", .string(words(for: caveat))))
        return .object(JSONObject(members))
    }

    /// A caveat in words, with expiry relative to now (made safe to print: a
    /// server-defined caveat's summary may hold anything).
    private func words(for caveat: any UploadCaveat) -> String {
        Terminal.safe(caveat.summary(now: now))
    }

    /// The human-readable report.
    var text: String {
        let macaroon = token.macaroon
        var lines: [String] = []
        func field(_ name: String, _ value: String) {
            lines.append(Terminal.styled((name + ":").padding(12), .bold) + value)
        }
        if let serviceToken = token.serviceToken { field("prefix", serviceToken.prefix) }
        field("format", token.format)
        field("location", Printable.display(macaroon.location))
        field("identifier", Printable.display(macaroon.identifier))
        field("caveats", "\(macaroon.caveats.count)")
        for (index, caveat) in macaroon.caveats.enumerated() {
            lines.append("  \(index + 1). " + Printable.display(caveat.identifier))
            switch caveat {
            case .firstParty(let identifier):
                if let decoded = try? CaveatLanguage.pypi.decode(identifier) {
                    lines.append("     " + Terminal.styled(words(for: decoded), .dim))
                }
            case .thirdParty(_, _, let location):
                lines.append("     " + Terminal.styled("third-party at \(Printable.display(location))", .dim))
            }
        }
        field("signature", showsSignature ? macaroon.signature.hexString : "<redacted> (--show-signature prints it)")
        return lines.joined(separator: "\n")
    }

}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

extension JSONValue {
    /// Compact JSON text in printable ASCII (see ``Terminal/asciiJSON(_:)``).
    var text: String { Terminal.asciiJSON(String(decoding: JSONWriter.write(self), as: UTF8.self)) }
}
