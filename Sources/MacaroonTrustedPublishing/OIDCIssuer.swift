#if TrustedPublishing
/// An OpenID Connect issuer whose ID tokens a server accepts, and where its keys are.
public struct OIDCIssuer: Sendable, Hashable {
    /// The kinds of publisher an issuer's tokens can match.
    public enum Kind: Sendable, Hashable {
        /// GitHub Actions: matched against ``GitHubPublisher``s.
        case gitHubActions
    }

    /// GitHub Actions' issuer, the `iss` of its ID tokens.
    public static let gitHubActionsURL = "https://token.actions.githubusercontent.com"

    /// The issuer identifier: the exact `iss` claim of its tokens.
    public let url: String
    /// Which publishers its tokens are matched against.
    public let kind: Kind
    /// Where its JSON Web Key Set is; `nil` to discover it from
    /// `<url>/.well-known/openid-configuration` (`jwks_uri`).
    public let jwksURL: String?

    /// An issuer.
    public init(url: String, kind: Kind, jwksURL: String? = nil) {
        self.url = url
        self.kind = kind
        self.jwksURL = jwksURL
    }

    /// GitHub Actions, its keys discovered, or fetched from `jwksURL` when given.
    public static func gitHubActions(jwksURL: String? = nil) -> OIDCIssuer {
        OIDCIssuer(url: gitHubActionsURL, kind: .gitHubActions, jwksURL: jwksURL)
    }
}
#endif
