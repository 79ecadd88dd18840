#if TrustedPublishing
import JWTKit

/// The claims of a verified OIDC ID token.
///
/// Only string-valued claims are kept (every claim a publisher is matched on is
/// a string); the registered time claims are kept as Unix seconds.
public struct IDTokenClaims: Sendable, Hashable {
    /// Every claim whose value is a JSON string, by name.
    public let strings: [String: String]
    /// `iss`.
    public let issuer: String
    /// `aud`: a single string (a list of audiences is refused, as Warehouse's strict check does).
    public let audience: String
    /// `exp`, Unix seconds.
    public let expires: Int64
    /// `iat`, Unix seconds.
    public let issuedAt: Int64
    /// `nbf`, Unix seconds, if present.
    public let notBefore: Int64?

    /// Claims, as a verifier produces them (or a test).
    public init(strings: [String: String], issuer: String, audience: String, expires: Int64, issuedAt: Int64, notBefore: Int64?) {
        self.strings = strings
        self.issuer = issuer
        self.audience = audience
        self.expires = expires
        self.issuedAt = issuedAt
        self.notBefore = notBefore
    }

    /// A string claim, or `nil` when absent or not a string.
    public subscript(_ name: String) -> String? { strings[name] }
}

/// The payload as jwt-kit decodes it; its claims are checked by ``IDTokenVerifier``.
struct IDTokenPayload: JWTPayload {
    let claims: IDTokenClaims

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Invalid: Error {
        let reason: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var strings: [String: String] = [:]
        for key in container.allKeys {
            if let value = try? container.decode(String.self, forKey: key) { strings[key.stringValue] = value }
        }
        func time(_ name: String) throws -> Int64? {
            let key = Key(stringValue: name)
            guard container.contains(key) else { return nil }
            guard let value = try? container.decode(Double.self, forKey: key), value.isFinite,
                  abs(value) < 1e15, let seconds = Int64(exactly: value.rounded(.down))
            else { throw Invalid(reason: "the \(name) claim is not a number of seconds") }
            return seconds
        }
        guard let issuer = strings["iss"] else { throw Invalid(reason: "the iss claim is missing") }
        guard let audience = strings["aud"] else { throw Invalid(reason: "the aud claim is missing or not one string") }
        guard let expires = try time("exp") else { throw Invalid(reason: "the exp claim is missing") }
        guard let issuedAt = try time("iat") else { throw Invalid(reason: "the iat claim is missing") }
        claims = IDTokenClaims(
            strings: strings, issuer: issuer, audience: audience, expires: expires, issuedAt: issuedAt,
            notBefore: try time("nbf"))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in claims.strings { try container.encode(value, forKey: Key(stringValue: name)) }
        try container.encode(claims.expires, forKey: Key(stringValue: "exp"))
        try container.encode(claims.issuedAt, forKey: Key(stringValue: "iat"))
        if let notBefore = claims.notBefore { try container.encode(notBefore, forKey: Key(stringValue: "nbf")) }
    }

    /// Nothing here: the times are checked with leeway, and the issuer and audience exactly, by ``IDTokenVerifier``.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
#endif
