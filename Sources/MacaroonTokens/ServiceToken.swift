import Macaroons

/// A service-prefixed token: `<prefix>-<base64url of a v2 binary macaroon>`,
/// like PyPI's `pypi-AgEIcHlwaS5vcmcC...`.
///
/// Parsing accepts exactly one text spelling of each token: lowercase prefix,
/// URL-safe alphabet, no padding, no whitespace, zero spare bits (every peer
/// writes tokens this way), and a v2 macaroon with no trailing bytes. The
/// macaroon may carry an empty location field (pymacaroons writes one for an
/// empty location); ``string`` writes the canonical form, without it.
///
/// ``description`` does not reveal the token; use ``string`` to send it.
public struct ServiceToken: Sendable, Hashable, CustomStringConvertible {
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
        var text = String(text)
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
            do throws(MacaroonError) {
                bytes = try Base64.decode(UnsafeBufferPointer(rebasing: utf8[(dash + 1)...]), strictness: .urlSafeUnpadded)
            } catch {
                let position = error.offset.map { " at character \($0 + dash + 1)" } ?? ""
                throw TokenError(.invalidBase64, detail: "the token is not canonical base64url\(position): \(error.detail)", underlying: error)
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

    /// Names the prefix and identifier only; the token itself is never printed.
    public var description: String {
        "ServiceToken(prefix: \(prefix), identifier: \(Printable.bytes(macaroon.identifier)), caveats: \(macaroon.caveats.count))"
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
        var prefix = prefix
        let isValid = prefix.withUTF8 { bytes in
            !bytes.isEmpty && bytes.allSatisfy { Hex.isLowercaseDigit($0) || (UInt8(ascii: "g")...UInt8(ascii: "z")).contains($0) }
        }
        guard isValid else {
            throw TokenError(.invalidPrefix, detail: "a prefix is one or more of a-z and 0-9, got \(Printable.bytes(ArraySlice(prefix.utf8), limit: 32))")
        }
    }
}

// MARK: - Minting

/// A freshly minted token and the secret its server must store.
public struct MintedToken: Sendable {
    /// The token to hand to the user.
    public let token: ServiceToken
    /// The 32-byte root secret, to be stored with the token's identifier.
    /// The signing key is derived from it as libmacaroons and PyPI do.
    public let secret: [UInt8]
}

extension ServiceToken {
    /// Mints a token with a fresh 32-byte secret from the CSPRNG.
    ///
    /// The server stores `(identifier, secret)`; the library does no I/O.
    /// Deleting the stored secret revokes the token and all its restrictions.
    ///
    /// - Parameters:
    ///   - prefix: the service prefix, `[a-z0-9]+` (default `pypi`).
    ///   - location: where the token is used, e.g. `pypi.org`.
    ///   - identifier: the server's id for the stored secret (PyPI: the token row's UUID).
    ///   - caveats: initial restrictions.
    public static func mint(
        prefix: String = "pypi", location: String, identifier: String, caveats: [any TaggedUploadCaveat] = []
    ) throws(TokenError) -> MintedToken {
        let secret = MacaroonKey.generateSecret()
        let token = try ServiceToken(prefix: prefix, location: location, identifier: identifier, secret: secret, caveats: caveats)
        return MintedToken(token: token, secret: secret)
    }

    /// Mints a token from a secret the caller supplies (derived as libmacaroons does).
    public init(
        prefix: String = "pypi", location: String, identifier: String, secret: some Collection<UInt8>,
        caveats: [any TaggedUploadCaveat] = []
    ) throws(TokenError) {
        let macaroon = Macaroon(key: MacaroonKey(derivingFrom: secret), identifier: identifier.utf8, location: location.utf8)
        try self.init(prefix: prefix, macaroon: macaroon)
        self = restricted(by: caveats)
    }

    /// A regular expression (POSIX ERE / PCRE / Swift `Regex` syntax) matching
    /// this service's tokens, for secret scanners.
    ///
    /// Every token starts with `0x02` and a location or identifier tag, so its
    /// text starts with `Ag` then `E` or `I`. Given the service's location, the
    /// pattern spells out the base64 of all the fixed first bytes (`0x02`, the
    /// location field, the identifier tag), as PyPI's registered pattern does,
    /// which keeps false positives rare: `pypi-AgEIcHlwaS5vcmcC[A-Za-z0-9_-]{50,}`.
    public static func secretScanningPattern(prefix: String, location: String? = nil) -> String {
        guard let location, !location.isEmpty, location.utf8.count < 0x80 else {
            return prefix + "-Ag[EI][A-Za-z0-9_-]{50,}"
        }
        let fixedBytes: [UInt8] = [0x02, 0x01, UInt8(location.utf8.count)] + Array(location.utf8) + [0x02]
        // Only the characters fully determined by the fixed bytes.
        let fixedText = Base64.encode(fixedBytes).prefix(fixedBytes.count * 8 / 6)
        return prefix + "-" + fixedText + "[A-Za-z0-9_-]{50,}"
    }
}
