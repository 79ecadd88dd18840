#if TrustedPublishing
import Foundation
import JWTKit
import _MacaroonInternals

/// Why an ID token was refused. For logs: the client is told only
/// "malformed or invalid token", as Warehouse does.
public struct IDTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, without the token.
    public let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}

/// Verifies OIDC ID tokens (JWTs) as Warehouse does: an RS256 signature by a
/// key of the issuer named in the token (looked up by `kid`), no `crit` header; `iss` equal to the
/// issuer; `aud` one string equal to our audience; `exp`, `iat` required and,
/// with `nbf` when present, checked with a leeway.
public struct IDTokenVerifier: Sendable {
    /// The audience tokens must be issued for (PyPI: `pypi`).
    public let audience: String
    /// The clock skew allowed on `exp`, `iat` and `nbf`, seconds (Warehouse: 30).
    public let leeway: Int64
    /// The longest token accepted, bytes.
    public let maxTokenLength: Int
    /// Where issuers' keys come from.
    public let keySets: IssuerKeySets

    /// A verifier.
    public init(audience: String, keySets: IssuerKeySets, leeway: Int64 = 30, maxTokenLength: Int = 16 * 1024) {
        self.audience = audience
        self.keySets = keySets
        self.leeway = leeway
        self.maxTokenLength = maxTokenLength
    }

    /// The `iss` claim of a token, unverified: only to choose whose keys verify it.
    /// `nil` when the token is not a JWT with a string `iss`.
    public func unverifiedIssuer(of token: String) -> String? {
        guard token.utf8.count <= maxTokenLength else { return nil }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Self.base64URLDecode(parts[1]),
              let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any]
        else { return nil }
        return object["iss"] as? String
    }

    /// Verifies `token` as issued by `issuer`, at `now` (Unix seconds).
    public func verify(_ token: String, issuer: OIDCIssuer, now: Int64) async -> Result<IDTokenClaims, IDTokenError> {
        guard token.utf8.count <= maxTokenLength else { return .failure(IDTokenError("the token is longer than \(maxTokenLength) bytes")) }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URLDecode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any]
        else { return .failure(IDTokenError("not a JWT")) }
        guard header["alg"] as? String == "RS256" else { return .failure(IDTokenError("the algorithm is not RS256")) }
        // RFC 7515 4.1.11: extensions named critical must be understood; we understand none.
        guard header["crit"] == nil else { return .failure(IDTokenError("the header has a crit parameter")) }
        guard let kid = header["kid"] as? String, !kid.isEmpty else { return .failure(IDTokenError("the header has no kid")) }
        guard let keys = await keySets.collection(for: issuer, kid: kid, now: now) else {
            return .failure(IDTokenError("issuer \(issuer.url) has no key \(Printable.text(kid))"))
        }
        let claims: IDTokenClaims
        do {
            claims = try await keys.verify(token, as: IDTokenPayload.self).claims
        } catch let error as IDTokenPayload.Invalid {
            return .failure(IDTokenError(error.reason))
        } catch {
            return .failure(IDTokenError("the signature or the payload is invalid"))
        }
        guard claims.issuer.utf8.elementsEqual(issuer.url.utf8) else { return .failure(IDTokenError("the issuer does not match")) }
        guard claims.audience.utf8.elementsEqual(audience.utf8) else { return .failure(IDTokenError("the audience does not match")) }
        // As PyJWT: expired when exp <= now - leeway; premature when iat or nbf > now + leeway.
        if claims.expires <= now &- leeway { return .failure(IDTokenError("the token has expired")) }
        if claims.issuedAt > now &+ leeway { return .failure(IDTokenError("the token is issued in the future")) }
        if let notBefore = claims.notBefore, notBefore > now &+ leeway { return .failure(IDTokenError("the token is not yet valid")) }
        return .success(claims)
    }

    /// Base64url without padding (as JWTs write it) to bytes; `nil` if invalid.
    static func base64URLDecode(_ text: some Collection<UInt8>) -> Data? {
        var characters = String(decoding: text, as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !characters.contains("=") else { return nil }
        characters += String(repeating: "=", count: (4 - characters.utf8.count % 4) % 4)
        return Data(base64Encoded: characters)
    }
}

#endif
