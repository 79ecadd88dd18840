#if Hummingbird || Vapor
import Macaroons
import MacaroonTokens

/// A request's token once it is authenticated: its signature verified against the
/// stored root key, and its owner active. The identity a framework adapter puts
/// into the request context.
///
/// Authenticated is not yet authorized: caveats such as a project scope or an
/// expiry are checked against the request by ``TokenAuthentication/authorize(_:project:attributes:)``,
/// which every handler calls (with `project: nil` for routes without a project).
///
/// Holds the verified token and its record, whose root key never appears in
/// descriptions, debug descriptions or mirrors.
public struct AuthenticatedToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token's stored information (no key).
    public var info: TokenInfo { storage.token.info }
    /// Who the token belongs to: the identity it establishes.
    public var owner: TokenOwner { storage.token.info.owner }
    /// The token's identifier (not a secret: it names the stored row).
    public var id: String { storage.token.info.id }
    /// How the request presented the token.
    public var scheme: AuthorizationScheme { storage.scheme }
    /// The token, its signature verified: only its caveats remain to be checked.
    public var token: AuthenticatedStoredToken { storage.token }
    /// Whether its holder appended caveats to the token as issued
    /// (``AuthenticatedStoredToken/isRestrictedByHolder``): refuse such tokens for
    /// anything the caveats cannot express, such as creating or revoking tokens.
    public var isRestrictedByHolder: Bool { storage.token.isRestrictedByHolder }

    var authentication: TokenAuthentication { storage.authentication }

    /// One reference: request contexts copy the identity several times per request.
    private final class Storage: Sendable {
        let token: AuthenticatedStoredToken
        let scheme: AuthorizationScheme
        let authentication: TokenAuthentication

        init(token: AuthenticatedStoredToken, scheme: AuthorizationScheme, authentication: TokenAuthentication) {
            self.token = token
            self.scheme = scheme
            self.authentication = authentication
        }
    }

    private let storage: Storage

    init(token: AuthenticatedStoredToken, scheme: AuthorizationScheme, authentication: TokenAuthentication) {
        storage = Storage(token: token, scheme: scheme, authentication: authentication)
    }

    /// Checks every caveat of the token (its own, the stored ones, the expiry) and its
    /// owner's status against the request, without walking its signature chain again:
    /// call it in each handler once the project is known (from the route or the upload's
    /// form), or with `project: nil` for routes without one. Records the use when allowed.
    /// Logged, counted and traced.
    ///
    /// - Parameters:
    ///   - project: the project the request acts on, by name and id.
    ///   - attributes: further facts for server-defined caveats (e.g. `"version"`).
    /// - Returns: the verdict (allowed), with the identity taken from the stored owner.
    /// - Throws: a 403 ``TokenRefusal`` with every reason.
    @discardableResult
    public func authorize(project: UploadRequest.Project?, attributes: [String: String] = [:]) throws(TokenRefusal) -> StoredTokenVerdict {
        try authentication.authorize(self, project: project, attributes: attributes)
    }

    /// ``authorize(project:attributes:)`` for a request that may not be authenticated
    /// (where credentials are optional): a 401 ``TokenRefusal`` when `token` is `nil`.
    @discardableResult
    public static func authorize(
        _ token: AuthenticatedToken?, project: UploadRequest.Project?, attributes: [String: String] = [:]
    ) throws(TokenRefusal) -> StoredTokenVerdict {
        guard let token else { throw .missingCredentials }
        return try token.authorize(project: project, attributes: attributes)
    }

    /// The token's id and owner only.
    public var description: String { "AuthenticatedToken(id: \(id), owner: \(owner))" }
    /// The token's id and owner only.
    public var debugDescription: String { description }
    /// The id, owner and scheme only.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "owner": owner, "scheme": scheme], displayStyle: .struct)
    }
}
#endif
