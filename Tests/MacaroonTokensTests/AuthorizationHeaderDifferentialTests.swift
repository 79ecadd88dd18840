import Testing
import Macaroons
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The byte-split `AuthorizationHeader.token(inHeader:)` against the Substring-based one it
/// replaced (5f281db, kept verbatim below as ``ReferenceAuthorizationHeader``), over hostile
/// headers: schemes in every case, ASCII whitespace, CR LF, characters that join the whitespace
/// next to them into one `Character` (U+0600 and other Prepend, SpacingMark, ZWJ, combining
/// marks, regional indicators), as `String`s and as slices of larger strings.
///
/// The one documented difference: where the old split trimmed trailing whitespace by
/// `Character`s, a Prepend character (U+0600…) kept the space after it; the new split trims
/// bytes. The credentials then differ only by trailing ASCII whitespace after text that is
/// not ASCII, which no token parser accepts either way.
@Suite("Authorization header: byte split against the Substring split it replaced")
struct AuthorizationHeaderDifferentialTests {
    /// Pieces headers are made of.
    static let pieces: [String] = [
        "Bearer", "bearer", "BEARER", "BeArEr", "token", "TOKEN", "Basic", "basic", "bAsIc", "Digest", "Bearer\u{301}",
        " ", " ", " ", "  ", "\t", "\r", "\n", "\r\n", "\u{0}", "\u{B}", "\u{C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{FEFF}", "\u{3000}",
        "\u{600}", "\u{605}", "\u{6DD}", "\u{110BD}", "\u{D4E}", "\u{903}", "\u{E33}", "\u{301}", "\u{200D}", "\u{FE0F}",
        "\u{1F1FA}", "\u{1F1F8}", "\u{1F600}", "\u{1100}", "\u{1161}", "\u{11A8}", "e\u{301}", "\u{E9}", "\u{212A}",
        "pypi-AgEIcHlwaS5vcmc", "abc", "x", ":", "=", "+/", "-_", "%",
        Base64.encode(Array("__token__:pypi-abc".utf8)), Base64.encode(Array("__token__: \u{600} pypi-x \n".utf8)),
        Base64.encode(Array("alice:pypi-abc".utf8)), Base64.encode(Array("__token__:".utf8)), Base64.encode([0xFF, 0x3A, 0x80]),
    ]

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    enum Outcome: Equatable, CustomStringConvertible {
        case token([UInt8])
        case error(TokenError.Code, String)

        var description: String {
            switch self {
            case .token(let bytes): "token(\(String(decoding: bytes, as: UTF8.self).debugDescription))"
            case .error(let code, let detail): "error(\(code), \(detail.debugDescription))"
            }
        }
    }

    static func outcome(_ body: () throws(TokenError) -> Substring) -> Outcome {
        do {
            return .token(Array(try body().utf8))
        } catch {
            return .error(error.code, error.detail)
        }
    }

    /// Whether `new` differs from `old` only as documented: the same credentials up to
    /// trailing ASCII whitespace after text that is not ASCII (for Basic: the same refusal).
    static func isDocumentedDifference(header: Substring, old: Outcome, new: Outcome) -> Bool {
        let hasNonASCII = header.utf8.contains { $0 >= 0x80 }
        guard hasNonASCII else { return false }
        switch (old, new) {
        case (.token(let o), .token(let n)):
            return o.count > n.count && o.starts(with: n) && o[n.count...].allSatisfy(Whitespace.contains)
                && n.contains { $0 >= 0x80 }
        case (.error(let oc, _), .error(let nc, _)):
            // Basic credentials cut differently are refused by the base64 decoder with another offset.
            return oc == nc && oc == .invalidAuthorizationHeader
        default:
            return false
        }
    }

    static func header(_ random: inout Generator) -> String {
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    @Test("the same token or the same refusal for random hostile headers, as strings and as slices")
    func differential() {
        var random = Generator(state: 0x5EED_0005)
        var documented = 0
        var mismatches: [String] = []
        for _ in 0..<200_000 {
            let text = Self.header(&random)
            // As the whole string, and as a slice of a larger one whose neighbours join the slice's edges.
            let before = Self.pieces.randomElement(using: &random)!
            let after = Self.pieces.randomElement(using: &random)!
            let padded = before + text + after
            let lower = padded.utf8.index(padded.utf8.startIndex, offsetBy: before.utf8.count)
            let upper = padded.utf8.index(lower, offsetBy: text.utf8.count)
            for header in [text[...], padded[lower..<upper]] {
                #expect(Array(header.utf8) == Array(text.utf8))
                let old = Self.outcome { () throws(TokenError) in try ReferenceAuthorizationHeader.token(inHeader: header) }
                let new = Self.outcome { () throws(TokenError) in try AuthorizationHeader.token(inHeader: header) }
                guard old != new else { continue }
                if Self.isDocumentedDifference(header: header, old: old, new: new) {
                    documented += 1
                } else if mismatches.count < 20 {
                    mismatches.append("\(String(header).debugDescription): old \(old), new \(new)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        // The documented difference occurs (the generator reaches it), and stays rare.
        #expect(documented > 0)
    }

    @Test("a slice whose bounds are not on scalar boundaries in its base string")
    func misalignedSlices() {
        let base = "\u{E9}Bearer pypi-x\u{E9}"
        // A UTF-8 view slice starting inside U+00E9 and ending inside the last one.
        let utf8 = base.utf8
        let lower = utf8.index(after: utf8.startIndex)
        let upper = utf8.index(before: utf8.endIndex)
        let slice = Substring(utf8[lower..<upper])
        let old = Self.outcome { () throws(TokenError) in try ReferenceAuthorizationHeader.token(inHeader: slice) }
        let new = Self.outcome { () throws(TokenError) in try AuthorizationHeader.token(inHeader: slice) }
        #expect(old == new, "old \(old), new \(new)")
    }

    @Test("long headers split in linear time: a megabyte of whitespace, of combining marks, of U+0600 and spaces")
    func longHeaders() throws {
        let megabyte = 1 << 20
        for header in [
            "Bearer " + String(repeating: " ", count: megabyte) + "x",
            "Bearer x" + String(repeating: "\u{301}", count: megabyte / 2),
            "Bearer x" + String(repeating: "\u{600} ", count: megabyte / 3),
            String(repeating: "\t\r\n", count: megabyte / 3),
            "Basic " + String(repeating: "A", count: megabyte),
        ] {
            _ = Self.outcome { () throws(TokenError) in try AuthorizationHeader.token(from: header) }
        }
    }
}

/// `AuthorizationHeader.token(inHeader:)` as of 5f281db, verbatim: the reference for the differential test.
enum ReferenceAuthorizationHeader {
    static let tokenUsername = "__token__"

    static func token(inHeader header: Substring) throws(TokenError) -> Substring {
        let trimmed = header.trimmingWhitespace()
        guard let space = trimmed.utf8.firstIndex(of: UInt8(ascii: " ")) else {
            throw TokenError(.invalidAuthorizationHeader, detail: "the Authorization header has no credentials after its scheme")
        }
        let scheme = trimmed.utf8[..<space]
        let credentials = trimmed[space...].trimmingWhitespace()
        guard !credentials.isEmpty else {
            throw TokenError(.invalidAuthorizationHeader, detail: "the Authorization header has no credentials after its scheme")
        }
        if isScheme(scheme, "bearer") || isScheme(scheme, "token") {
            return credentials
        }
        guard isScheme(scheme, "basic") else {
            throw TokenError(.invalidAuthorizationHeader, detail: "unsupported Authorization scheme \(Printable.text(String(trimmed[..<space]), limit: 16))")
        }
        let decoded: [UInt8]
        do {
            decoded = try Array(credentials.utf8).withUnsafeBufferPointer { (buffer) throws(Base64Error) in
                try Base64.decode(buffer, strictness: .anyPeerSpelling)
            }
        } catch {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials are not base64: \(error.detail)")
        }
        // Bytes, not `String`: the user name is compared exactly and in linear time.
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
              let password = UTF8Text.string(decoded[(colon + 1)...]) else {
            throw TokenError(.invalidAuthorizationHeader, detail: "Basic credentials must be 'username:password' in UTF-8")
        }
        guard UTF8Text.bytes(decoded[..<colon], equal: tokenUsername) else {
            // Never echoed: people paste the token into the user name too.
            throw TokenError(.invalidAuthorizationHeader,
                             detail: "token authentication needs the username '\(tokenUsername)', got another (\(colon) bytes)")
        }
        return password[...].trimmingWhitespace()
    }

    /// Whether `bytes` spell `name` (lowercase ASCII letters) in any ASCII case.
    private static func isScheme(_ bytes: Substring.UTF8View, _ name: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        // For a lowercase letter, `byte | 0x20` equals it only for that letter and its capital.
        return bytes.count == expected.count && zip(bytes, expected).allSatisfy { $0 | 0x20 == $1 }
    }
}
