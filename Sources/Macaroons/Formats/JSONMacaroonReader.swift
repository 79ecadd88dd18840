import _MacaroonInternals

/// Reads a JSON macaroon (v1 JSON or v2 JSON) member by member, so every
/// error carries the byte offset of the member or value at fault.
///
/// Member names are matched as bytes against a short list of known names
/// (after JSON escapes are resolved), and duplicates are found with a bit set:
/// the cost is linear in the input, whatever the names are made of. An unknown
/// member is an error before its value is read, so nothing unknown is ever
/// parsed, and the nesting is fixed (object, caveat array, caveat object).
struct JSONMacaroonReader {
    private var parser: JSONParser
    private let bytes: UnsafeBufferPointer<UInt8>
    let limits: MacaroonLimits

    init(bytes: UnsafeBufferPointer<UInt8>, limits: MacaroonLimits) {
        self.bytes = bytes
        self.limits = limits
        parser = JSONParser(bytes: bytes, maxDepth: limits.maxJSONDepth)
    }

    /// The offset of the next byte to read (after whitespace).
    var position: Int {
        mutating get {
            parser.skipWhitespace()
            return parser.position
        }
    }

    /// Checks that only whitespace follows the macaroon's object.
    mutating func finish() throws(MacaroonError) {
        guard position == bytes.count else {
            throw MacaroonError(.invalidJSON, offset: parser.position, detail: "unexpected content after the JSON value")
        }
    }

    /// `.v1JSON` when the first member of the object in `bytes` is a v1 JSON
    /// member (`location`, `identifier`, `caveats`, `signature`), otherwise
    /// `.v2JSON` (whose decoder reports whatever is wrong).
    static func format(of bytes: UnsafeBufferPointer<UInt8>) -> MacaroonFormat {
        var parser = JSONParser(bytes: bytes, maxDepth: 1)
        guard parser.consume(UInt8(ascii: "{")), let name = try? parser.parseStringContents() else { return .v2JSON }
        let isV1 = withBytes(of: name, in: bytes) { name in V1JSONFormat.Member.names.contains { name.hasSameBytes(as: $0.rawBytes) } }
        return isV1 ? .v1JSON : .v2JSON
    }

    /// Reads an object whose member names are `names`, calling `body` with the
    /// index of each member in `names` and the offset where its name starts;
    /// `body` reads the value. An unknown or repeated member is `invalidJSON`.
    mutating func readObject(
        names: [StaticString], field: MacaroonError.Field?, depth: Int,
        _ body: (inout JSONMacaroonReader, _ member: Int, _ offset: Int) throws(MacaroonError) -> Void
    ) throws(MacaroonError) {
        guard depth <= limits.maxJSONDepth else {
            throw MacaroonError(.invalidJSON, field: field, offset: position, detail: "nesting deeper than \(limits.maxJSONDepth)")
        }
        try expect(UInt8(ascii: "{"), field: field, what: "an object")
        if parser.consume(UInt8(ascii: "}")) { return }
        var seen: UInt64 = 0
        repeat {
            let nameStart = position
            guard parser.current == UInt8(ascii: "\"") else {
                throw MacaroonError(.invalidJSON, field: field, offset: nameStart, detail: "expected a member name")
            }
            let contents = try syntax(field: field) { (parser) throws(JSONSyntaxError) in try parser.parseStringContents() }
            let member = Self.withBytes(of: contents, in: bytes) { name in names.firstIndex { name.hasSameBytes(as: $0.rawBytes) } }
            guard let member else {
                let name = Self.withBytes(of: contents, in: bytes) { Printable.bytes(ArraySlice($0), limit: 32) }
                throw MacaroonError(.invalidJSON, field: field, offset: nameStart, detail: "unknown member \(name)")
            }
            guard seen & (1 << member) == 0 else {
                throw MacaroonError(.invalidJSON, field: field, offset: nameStart,
                                    detail: "duplicate member \"\(names[member])\"")
            }
            seen |= 1 << member
            guard parser.consume(UInt8(ascii: ":")) else {
                throw MacaroonError(.invalidJSON, field: field, offset: parser.position, detail: "expected ':'")
            }
            try body(&self, member, nameStart)
        } while parser.consume(UInt8(ascii: ","))
        guard parser.consume(UInt8(ascii: "}")) else {
            throw MacaroonError(.invalidJSON, field: field, offset: parser.position, detail: "expected ',' or '}'")
        }
    }

    /// Reads the caveat array (at most `maxCaveats` elements), each element with `caveat`.
    mutating func readCaveats(
        _ caveat: (inout JSONMacaroonReader) throws(MacaroonError) -> Caveat
    ) throws(MacaroonError) -> [Caveat] {
        var caveats: [Caveat] = []
        try readArray(field: .caveats, depth: 2, maxCount: limits.maxCaveats) { (reader) throws(MacaroonError) in
            caveats.append(try caveat(&reader))
        }
        return caveats
    }

    /// The caveat a caveat object's members make, in either JSON format: third-party when it has
    /// a verification id; a first-party caveat (the object at `offset`) cannot have a location.
    static func caveat(
        identifier: [UInt8], verificationID: [UInt8]?, location: [UInt8], offset: Int
    ) throws(MacaroonError) -> Caveat {
        guard let verificationID else {
            guard location.isEmpty else {
                throw MacaroonError(.firstPartyCaveatWithLocation, field: .caveatLocation, offset: offset,
                                    detail: "a first-party caveat cannot carry a location")
            }
            return .firstParty(identifier: identifier[...])
        }
        return .thirdParty(identifier: identifier[...], verificationID: verificationID[...], location: location[...])
    }

    /// Reads an array, calling `body` for each element (at most `maxCount` of them).
    private mutating func readArray(
        field: MacaroonError.Field, depth: Int, maxCount: Int, _ body: (inout JSONMacaroonReader) throws(MacaroonError) -> Void
    ) throws(MacaroonError) {
        guard depth <= limits.maxJSONDepth else {
            throw MacaroonError(.invalidJSON, field: field, offset: position, detail: "nesting deeper than \(limits.maxJSONDepth)")
        }
        try expect(UInt8(ascii: "["), field: field, what: "an array")
        if parser.consume(UInt8(ascii: "]")) { return }
        var count = 0
        repeat {
            guard count < maxCount else {
                throw MacaroonError(.tooManyCaveats, field: field, offset: position, detail: "more than \(maxCount) caveats")
            }
            count += 1
            try body(&self)
        } while parser.consume(UInt8(ascii: ","))
        guard parser.consume(UInt8(ascii: "]")) else {
            throw MacaroonError(.invalidJSON, field: field, offset: parser.position, detail: "expected ',' or ']'")
        }
    }

    /// Reads a JSON string as bytes (valid UTF-8, escapes resolved), at most `maxFieldLength` of them.
    mutating func readText(field: MacaroonError.Field) throws(MacaroonError) -> [UInt8] {
        let start = position
        try requireString(field: field)
        let text = try syntax(field: field) { (parser) throws(JSONSyntaxError) in try parser.parseStringBytes() }
        try checkLength(text.count, field: field, offset: start)
        return text
    }

    /// Reads a JSON string holding base64 in any spelling the peers write, and decodes it.
    mutating func readBase64(field: MacaroonError.Field) throws(MacaroonError) -> [UInt8] {
        let start = position
        try requireString(field: field)
        let text = try syntax(field: field) { (parser) throws(JSONSyntaxError) in try parser.parseStringBytes() }
        let decoded: [UInt8]
        do throws(Base64Error) {
            decoded = try text.withUnsafeBufferPointer { (buffer) throws(Base64Error) in
                try Base64.decode(buffer, strictness: .anyPeerSpelling)
            }
        } catch {
            throw MacaroonError(.invalidBase64, field: field, offset: start, detail: error.detail)
        }
        try checkLength(decoded.count, field: field, offset: start)
        return decoded
    }

    /// Reads a byte field written as text or, with `base64`, as base64.
    mutating func readBytes(base64: Bool, field: MacaroonError.Field) throws(MacaroonError) -> [UInt8] {
        base64 ? try readBase64(field: field) : try readText(field: field)
    }

    /// Whether the next value is a string.
    var nextIsString: Bool {
        mutating get { position < bytes.count && bytes[parser.position] == UInt8(ascii: "\"") }
    }

    /// Reads any JSON value (for members whose value is checked, not stored, such as a version).
    mutating func readValue(field: MacaroonError.Field) throws(MacaroonError) -> JSONValue {
        try syntax(field: field) { (parser) throws(JSONSyntaxError) in try parser.parseValue(depth: 1) }
    }

    // MARK: Helpers

    private mutating func expect(_ byte: UInt8, field: MacaroonError.Field?, what: String) throws(MacaroonError) {
        let start = position
        guard parser.current == byte else {
            let found = parser.current.map(Self.typeName) ?? "the end of the input"
            let detail = field.map { "\($0.rawValue) must be \(what), not \(found)" } ?? "a JSON macaroon is an object, not \(found)"
            throw MacaroonError(.invalidJSON, field: field, offset: start, detail: detail)
        }
        _ = parser.consume(byte)
    }

    private mutating func requireString(field: MacaroonError.Field) throws(MacaroonError) {
        let start = position
        guard parser.current == UInt8(ascii: "\"") else {
            let found = parser.current.map(Self.typeName) ?? "the end of the input"
            throw MacaroonError(.invalidJSON, field: field, offset: start, detail: "\(field.rawValue) must be a string, not \(found)")
        }
    }

    private func checkLength(_ count: Int, field: MacaroonError.Field, offset: Int) throws(MacaroonError) {
        guard count <= limits.maxFieldLength else {
            throw MacaroonError(.fieldTooLong, field: field, offset: offset,
                                detail: "a field of \(count) bytes exceeds the limit of \(limits.maxFieldLength)")
        }
    }

    /// Runs a parser step, turning a syntax error into `invalidJSON` at its offset.
    private mutating func syntax<Output>(
        field: MacaroonError.Field?, _ step: (inout JSONParser) throws(JSONSyntaxError) -> Output
    ) throws(MacaroonError) -> Output {
        do {
            return try step(&parser)
        } catch {
            throw MacaroonError(.invalidJSON, field: field, offset: error.offset, detail: error.detail)
        }
    }

    /// The JSON type a value starting with `byte` has, for error messages.
    private static func typeName(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        default: "an unexpected character"
        }
    }

    /// Runs `body` on the bytes of a parsed string.
    private static func withBytes<Output>(
        of contents: JSONParser.StringContents, in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) -> Output
    ) -> Output {
        switch contents {
        case .span(let span): body(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[span])))
        case .unescaped(let unescaped): unescaped.withUnsafeBytes(body)
        }
    }
}

extension StaticString {
    /// The string's UTF-8 bytes (static storage, valid for the program's life).
    var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}
