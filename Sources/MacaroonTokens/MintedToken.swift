import Macaroons
import _MacaroonInternals

/// A freshly minted token and the secret its server must store.
///
/// Printing, dumping or reflecting it shows neither (see Redaction.swift).
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

    /// A fresh random identifier for a token: a version 4 UUID in lowercase
    /// text, from the CSPRNG (PyPI's identifiers are UUIDs).
    public static func generateIdentifier() -> String {
        var bytes = Array(MacaroonKey.generateSecret().prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40 // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80 // RFC 9562 variant
        let hex = Hex.encode(bytes)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            hex.utf8.dropFirst(range.lowerBound).prefix(range.count)
        }
        return groups.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }

    /// Whether `bytes` start like a service token: a valid prefix (`[a-z0-9]+`)
    /// and `-`. Tools use it to tell service tokens from other macaroons.
    package static func hasServicePrefix(_ bytes: some Collection<UInt8>) -> Bool {
        guard let dash = bytes.firstIndex(of: UInt8(ascii: "-")) else { return false }
        return isValidPrefix(bytes[..<dash])
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
