import Testing
@testable import Macaroons
@testable import _MacaroonInternals

/// Builds v2 binary input field by field, for malformed-input tests.
struct V2Builder {
    var bytes: [UInt8] = [0x02]

    func field(_ tag: UInt8, _ value: [UInt8]) -> V2Builder {
        var copy = self
        copy.bytes += [tag, UInt8(value.count)] + value
        return copy
    }

    func raw(_ extra: [UInt8]) -> V2Builder {
        var copy = self
        copy.bytes += extra
        return copy
    }

    var endOfSection: V2Builder { raw([0]) }
    func signature(_ count: Int = 32) -> V2Builder { field(6, Array(repeating: 0xAB, count: count)) }
}

/// Base64 text of v1 packets with correct length headers.
func v1Text(_ packets: [(String, String)]) -> [UInt8] {
    let bytes = packets.flatMap { key, value -> [UInt8] in
        let length = 4 + key.utf8.count + 1 + value.utf8.count + 1
        return Array((String(length, radix: 16).leftPadded(to: 4) + key + " " + value + "\n").utf8)
    }
    return Array(Base64.encode(bytes).utf8)
}

@Suite("Formats: round trips, detection and every decoding error")
struct FormatTests {
    static let sample = Macaroon(key: MacaroonKey(derivingFrom: "secret".utf8), identifier: "id-1".utf8, location: "https://example.org/".utf8)
        .addingFirstPartyCaveat("a = 1".utf8)
        .addingThirdPartyCaveat(secret: "caveat secret".utf8, identifier: "3p id".utf8, location: "https://auth.example/".utf8)
        .addingFirstPartyCaveat([0x00, 0xFF, 0x0A])

    static func randomMacaroon(_ generator: inout SeededGenerator) -> Macaroon {
        let locationLength = [0, 1, 20][Int.random(in: 0...2, using: &generator)]
        var macaroon = Macaroon(
            key: MacaroonKey(derivingFrom: generator.bytes(16)), identifier: generator.bytes(Int.random(in: 0...40, using: &generator)),
            location: generator.bytes(locationLength))
        for _ in 0..<Int.random(in: 0...6, using: &generator) {
            if Bool.random(using: &generator) {
                macaroon = macaroon.addingFirstPartyCaveat(generator.bytes(Int.random(in: 0...30, using: &generator)))
            } else {
                macaroon = macaroon.addingThirdPartyCaveat(
                    secret: generator.bytes(8), identifier: generator.bytes(Int.random(in: 0...30, using: &generator)),
                    location: generator.bytes(Int.random(in: 0...1, using: &generator) * 12))
            }
        }
        return macaroon
    }

    @Test("random macaroons survive every format round trip", arguments: MacaroonFormat.allCases)
    func roundTrips(_ format: MacaroonFormat) throws {
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<200 {
            let macaroon = Self.randomMacaroon(&generator)
            guard format != .v1JSON || macaroon.isText else {
                #expect(macaroonError { try macaroon.encoded(as: format) }?.code == .notRepresentable)
                continue
            }
            let encoded = try macaroon.encoded(as: format)
            let decoded = try Macaroon(decoding: encoded, as: format)
            #expect(decoded.sameParts(as: macaroon))
            #expect(try decoded.encoded(as: format) == encoded)
        }
    }

    @Test("the peers' spellings of base64 are all accepted")
    func base64Spellings() throws {
        let canonical = try Self.sample.encodedString(as: .v2)
        let standard = canonical.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = canonical + String(repeating: "=", count: (4 - canonical.count % 4) % 4)
        let standardPadded = standard + String(repeating: "=", count: (4 - canonical.count % 4) % 4)
        for text in [canonical, standard, padded, standardPadded] {
            #expect(try Macaroon(decoding: text.utf8).sameParts(as: Self.sample))
        }
    }

    @Test("v2 JSON: version spellings, member order and escapes of the peers")
    func jsonVariants() throws {
        let signature = Base64.encode(Self.sample.signature.bytes)
        for version in [#""v":2,"#, #""v":"2","#, ""] {
            let text = #"{"# + version + #""s64":"\#(signature)","c":[],"i":"k\u0065y","l":"x"}"#
            let macaroon = try Macaroon(decoding: text.utf8)
            #expect(Array(macaroon.identifier) == Array("key".utf8))
            #expect(Array(macaroon.location) == Array("x".utf8))
        }
        let binary = try Macaroon(decoding: #"{"i64":"AP8","s64":"\#(signature)"}"#.utf8)
        #expect(Array(binary.identifier) == [0x00, 0xFF])
        let encoded = String(decoding: try binary.encoded(as: .v2JSON), as: UTF8.self)
        #expect(encoded == #"{"v":2,"i64":"AP8","c":[],"s64":"\#(signature)"}"#)
    }

    @Test func detection() throws {
        #expect(try MacaroonFormat.detect(Self.sample.encoded(as: .v1)) == .v1)
        #expect(try MacaroonFormat.detect(Self.sample.encoded(as: .v2)) == .v2)
        #expect(try MacaroonFormat.detect(Self.sample.encoded(as: .v2Binary)) == .v2Binary)
        #expect(try MacaroonFormat.detect(Self.sample.encoded(as: .v2JSON)) == .v2JSON)
        let wrongFormat = macaroonError { try Macaroon(decoding: Self.sample.encoded(as: .v1), as: .v2) }
        #expect(wrongFormat?.code == .unknownFormat)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let code: MacaroonError.Code
        var limits = MacaroonLimits.default
        var testDescription: String { name }
    }

    static let validHeader = V2Builder().field(2, Array("id".utf8)).endOfSection

    /// Malformed inputs under non-default limits; those under the defaults are
    /// conformance vectors in Specs/vectors/formats.jsonl (SpecVectorTests).
    static let badInputs: [BadInput] = [
        BadInput(name: "too many caveats", bytes: validHeader.field(2, [1]).endOfSection.field(2, [2]).endOfSection.endOfSection
                    .signature().bytes, code: .tooManyCaveats, limits: MacaroonLimits(maxCaveats: 1)),
        BadInput(name: "field too long", bytes: V2Builder().field(2, Array(repeating: 1, count: 5)).bytes, code: .fieldTooLong,
                 limits: MacaroonLimits(maxFieldLength: 4)),
        // A negative length limit admits only empty fields, on the one-byte path and the general one.
        BadInput(name: "field of one byte with a negative length limit", bytes: V2Builder().field(2, [1]).bytes, code: .fieldTooLong,
                 limits: MacaroonLimits(maxFieldLength: -1)),
        BadInput(name: "field of 128 bytes with a negative length limit", bytes: V2Builder().raw([2, 0x80, 0x01]).bytes,
                 code: .fieldTooLong, limits: MacaroonLimits(maxFieldLength: .min)),
        // Without a length limit, the length is compared with what is left of the input (a sum would overflow).
        BadInput(name: "field length 2^63 - 1 with no length limit",
                 bytes: V2Builder().raw([2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]).bytes, code: .truncated,
                 limits: MacaroonLimits(maxFieldLength: .max)),
        BadInput(name: "JSON too many caveats",
                 bytes: Array(#"{"i":"a","s64":"\#(Base64.encode([UInt8](repeating: 0, count: 32)))","c":[{"i":"x"},{"i":"y"}]}"#.utf8),
                 code: .tooManyCaveats, limits: MacaroonLimits(maxCaveats: 1)),
    ]

    @Test("malformed input fails with the right error code", arguments: badInputs)
    func malformed(_ input: BadInput) {
        let error = macaroonError { try Macaroon(decoding: input.bytes, limits: input.limits) }
        #expect(error?.code == input.code, "\(String(describing: error))")
    }

    @Test("errors say where: field and offset")
    func errorLocation() {
        let error = macaroonError { try Macaroon(decoding: Self.validHeader.endOfSection.signature().raw([0, 0]).bytes) }
        #expect(error?.offset == Self.validHeader.endOfSection.signature().bytes.count)
        #expect(error?.description.contains("trailingBytes at byte") == true)
        let base64 = macaroonError { try Macaroon(decoding: "AgE!".utf8) }
        #expect(base64?.offset == 3)
    }

    @Test("v2 fields with one-, two- and three-byte lengths, and fields that end the input exactly, decode")
    func v2FieldLengths() throws {
        for count in [0, 1, 127, 128, 16_383, 16_384] {
            let macaroon = Self.sample.addingFirstPartyCaveat(Array(repeating: 0x41, count: count))
            #expect(try Macaroon(decoding: macaroon.encoded(as: .v2Binary)).sameParts(as: macaroon), "caveat of \(count) bytes")
        }
        let endsInsideSignature = Array(try Self.sample.encoded(as: .v2Binary).dropLast())
        #expect(macaroonError { try Macaroon(decoding: endsInsideSignature) }?.code == .truncated)
    }

    @Test("a field too long for v1 cannot be encoded as v1")
    func v1PacketLimit() throws {
        let large = Self.sample.addingFirstPartyCaveat(Array(repeating: 0x41, count: 70_000))
        #expect(macaroonError { try large.encoded(as: .v1) }?.code == .notRepresentable)
        #expect(macaroonError { try large.encodedString(as: .v2Binary) }?.code == .notRepresentable)
        #expect(try large.encoded(as: .v2).count > 70_000)
    }

    @Test("inputs just under each limit still decode")
    func justUnderLimits() throws {
        let exactLimits = MacaroonLimits(maxInputSize: try Self.sample.encoded(as: .v2).count, maxCaveats: 3, maxFieldLength: 72)
        #expect(try Macaroon(decoding: Self.sample.encoded(as: .v2), limits: exactLimits).sameParts(as: Self.sample))
        let smaller = MacaroonLimits(maxInputSize: exactLimits.maxInputSize - 1)
        #expect(macaroonError { try Macaroon(decoding: Self.sample.encoded(as: .v2), limits: smaller) }?.code == .inputTooLarge)
        let fewer = MacaroonLimits(maxCaveats: 2)
        #expect(macaroonError { try Macaroon(decoding: Self.sample.encoded(as: .v2), limits: fewer) }?.code == .tooManyCaveats)
        let shorter = MacaroonLimits(maxFieldLength: 71)
        #expect(macaroonError { try Macaroon(decoding: Self.sample.encoded(as: .v2), limits: shorter) }?.code == .fieldTooLong)
    }
}

@Suite("Resource limits")
struct LimitTests {
    @Test("v2 JSON nesting: the format's own depth is 3")
    func jsonDepth() throws {
        let json = try FormatTests.sample.encoded(as: .v2JSON)
        #expect(try Macaroon(decoding: json, limits: MacaroonLimits(maxJSONDepth: 3)).sameParts(as: FormatTests.sample))
        #expect(macaroonError { try Macaroon(decoding: json, limits: MacaroonLimits(maxJSONDepth: 2)) }?.code == .invalidJSON)
    }

    @Test("the defaults are the documented ones")
    func defaults() {
        let limits = MacaroonLimits.default
        #expect(limits.maxInputSize == 65_536 && limits.maxCaveats == 1_000 && limits.maxFieldLength == 32_768)
        #expect(limits.maxJSONDepth == 32 && limits.maxDischarges == 32 && limits.maxDischargeDepth == 8)
    }

    @Test("exactly maxCaveats caveats decode; one more does not")
    func caveatCount() throws {
        let macaroon = (0..<1_000).reduce(Macaroon(key: MacaroonKey(derivingFrom: [1]), identifier: "i".utf8)) {
            $0.addingFirstPartyCaveat([UInt8($1 % 256)])
        }
        #expect(try Macaroon(decoding: macaroon.encoded(as: .v2)).caveats.count == 1_000)
        let tooMany = macaroon.addingFirstPartyCaveat([0])
        #expect(macaroonError { try Macaroon(decoding: tooMany.encoded(as: .v2Binary)) }?.code == .tooManyCaveats)
    }
}
