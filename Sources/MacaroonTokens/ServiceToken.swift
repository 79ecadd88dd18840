public import Macaroons
import _MacaroonInternals

/// A service-prefixed token: `<prefix>-<base64url of a v2 binary macaroon>`,
/// like PyPI's `pypi-AgEIcHlwaS5vcmcC...`.
///
/// Parsing accepts exactly one text spelling of each token: lowercase prefix,
/// URL-safe alphabet, no padding, no whitespace, zero spare bits (every peer
/// writes tokens this way), and a v2 macaroon with no trailing bytes. The
/// macaroon may carry an empty location field (pymacaroons writes one for an
/// empty location); ``string`` writes the canonical form, without it.
///
/// Printing, dumping or reflecting a token does not reveal it (see
/// Redaction.swift); use ``string`` to send it.
public struct ServiceToken: Sendable, Hashable {
    /// The service prefix, e.g. `pypi`.
    public let prefix: String
    /// The macaroon.
    public let macaroon: Macaroon

    /// Wraps a macaroon with a prefix.
    ///
    /// - Throws: ``TokenError/Code/invalidPrefix`` unless `prefix` matches `[a-z0-9]+`.
    public init(prefix: String, macaroon: Macaroon) throws(TokenError) {
        try Self.validate(prefix: prefix)
        self.prefix = prefix
        self.macaroon = macaroon
    }

    /// Parses a token's text (its one spelling; see the type's documentation).
    ///
    /// - Parameters:
    ///   - text: the token, exactly (callers trim transport whitespace first).
    ///   - expectedPrefix: the service's prefix; `nil` accepts any valid prefix.
    ///   - limits: the decoding limits of the macaroon inside.
    @inlinable
    public init(parsing text: some StringProtocol, expectedPrefix: String? = nil, limits: MacaroonLimits = .default) throws(TokenError) {
        // A `Substring` of a native string is read in place (`String(text)` would copy it).
        var text = Substring(text)
        self = try text.withUTF8 { ServiceToken.parse($0, expectedPrefix: expectedPrefix, limits: limits) }.get()
    }

    @usableFromInline
    static func parse(_ utf8: UnsafeBufferPointer<UInt8>, expectedPrefix: String?, limits: MacaroonLimits) -> Result<ServiceToken, TokenError> {
        Result { () throws(TokenError) in
            guard utf8.count <= limits.maxInputSize else {
                throw TokenError(.invalidMacaroon, detail: "the token is \(utf8.count) bytes, over the limit of \(limits.maxInputSize)")
            }
            guard let dash = utf8.firstIndex(of: UInt8(ascii: "-")) else {
                throw TokenError(.missingPrefix, detail: "a token starts with its service prefix and '-', e.g. 'pypi-'")
            }
            let prefixBytes = utf8[..<dash]
            let prefix = String(decoding: prefixBytes, as: UTF8.self)
            try validate(prefix: prefix)
            if let expectedPrefix, !UTF8Text.bytes(UnsafeBufferPointer(rebasing: prefixBytes), equal: expectedPrefix) {
                throw TokenError(.wrongPrefix, detail: "the token's prefix is \(Printable.bytes(ArraySlice(prefix.utf8), limit: 32)), expected '\(expectedPrefix)'")
            }
            let bytes: [UInt8]
            do throws(Base64Error) {
                bytes = try Base64.decode(UnsafeBufferPointer(rebasing: utf8[(dash + 1)...]), strictness: .urlSafeUnpadded)
            } catch {
                let position = error.offset.map { " at character \($0 + dash + 1)" } ?? ""
                throw TokenError(.invalidBase64, detail: "the token is not canonical base64url\(position): \(error.detail)",
                                 underlying: MacaroonError(error))
            }
            do throws(MacaroonError) {
                return ServiceToken(validPrefix: prefix, macaroon: try Macaroon(decodingV2Binary: bytes, limits: limits))
            } catch {
                throw TokenError(.invalidMacaroon, detail: "the token does not hold a valid v2 macaroon: \(error)", underlying: error)
            }
        }
    }

    /// The token's text, `<prefix>-<base64url>`: a secret, to be sent only to its service.
    public var string: String {
        prefix + "-" + Base64.encode(Self.v2Binary(of: macaroon))
    }

    /// The identifier as text, when it is UTF-8 (PyPI uses the token's UUID).
    public var identifier: String? {
        UTF8Text.string(macaroon.identifier)
    }

    /// A copy narrowed by more caveats; no key needed (what pypitoken's `restrict` does).
    public func restricted(by caveats: [any TaggedUploadCaveat]) -> ServiceToken {
        var macaroon = macaroon
        for caveat in caveats {
            macaroon = macaroon.addingFirstPartyCaveat(caveat.encoded)
        }
        return ServiceToken(validPrefix: prefix, macaroon: macaroon)
    }

    /// A copy narrowed by more caveats.
    public func restricted(by caveats: any TaggedUploadCaveat...) -> ServiceToken {
        restricted(by: caveats)
    }

    private init(validPrefix: String, macaroon: Macaroon) {
        prefix = validPrefix
        self.macaroon = macaroon
    }

    private static func v2Binary(of macaroon: Macaroon) -> [UInt8] {
        // v2 binary encoding cannot fail.
        (try? macaroon.encoded(as: .v2Binary)) ?? []
    }

    static func validate(prefix: String) throws(TokenError) {
        // Over the contiguous UTF-8 (iterating `String.UTF8View` costs twice as much per parse).
        var prefix = prefix
        guard prefix.withUTF8({ isValidPrefix($0) }) else {
            throw TokenError(.invalidPrefix, detail: "a prefix is one or more of a-z and 0-9, got \(Printable.bytes(ArraySlice(prefix.utf8), limit: 32))")
        }
    }

    /// Whether `bytes` are a valid prefix: one or more of `a-z` and `0-9`.
    static func isValidPrefix(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }
}
