#if Hummingbird
import Hummingbird
import HTTPTypes
import HummingbirdAuth
@_exported import MacaroonServerSupport
import MacaroonTokens

/// A hummingbird-auth authenticator middleware for macaroon upload tokens: it reads
/// the `Authorization` header (Basic `__token__:<token>`, `Bearer`, `token`), verifies
/// the token against a ``TokenStore`` and sets `context.identity` to the
/// ``AuthenticatedToken`` (owner, token info).
///
/// Refusals are answered as Warehouse does (``TokenRefusal``): 401 with `WWW-Authenticate`
/// without credentials (unless ``TokenAuthentication/credentialsRequired`` is false:
/// then the request passes unauthenticated), 403 `Invalid API Token: …`, 503 when the
/// store fails. Handlers then call `context.authorizeUpload(project:)`.
///
/// ```swift
/// let authentication = TokenAuthentication(verifier: verifier, store: store, owners: owners, logger: logger)
/// let router = Router(context: BasicAuthRequestContext<AuthenticatedToken>.self)
/// router.group("legacy").add(middleware: MacaroonAuthenticator(authentication))
///     .post { request, context in
///         let form = ... // read the upload, find the project
///         try context.authorizeUpload(project: UploadRequest.Project(name: form.name, id: projectID))
///         ...
///     }
/// ```
public struct MacaroonAuthenticator<Context: AuthRequestContext<AuthenticatedToken>>: AuthenticatorMiddleware {
    /// The identity this middleware sets.
    public typealias Identity = AuthenticatedToken

    /// How tokens are verified, logged, counted and traced.
    public let authentication: TokenAuthentication

    /// A middleware authenticating with `authentication`.
    public init(_ authentication: TokenAuthentication) {
        self.authentication = authentication
    }

    /// The authenticated token; `nil` for a request without credentials when they are optional.
    ///
    /// - Throws: ``TokenRefusalResponse`` (401, 403 or 503).
    public func authenticate(request: Request, context: Context) async throws -> AuthenticatedToken? {
        // The usual single field's value as stored, found without building an array of values
        // (`headers[values:]`) or a joined string (`headers[.authorization]`, a generic join).
        var header: String?
        for field in request.headers where field.name == .authorization {
            guard header == nil else {
                header = request.headers[values: .authorization].joined(separator: ", ")
                break
            }
            header = field.value
        }
        do {
            return try await authentication.authenticate(authorizationHeader: header)
        } catch {
            throw TokenRefusalResponse(error)
        }
    }
}

extension AuthRequestContext where Identity == AuthenticatedToken {
    /// Checks the authenticated token's caveats against the request's project (see
    /// ``AuthenticatedToken/authorize(project:attributes:)``).
    ///
    /// - Returns: the allowed verdict, with the identity from the token's stored owner.
    /// - Throws: ``TokenRefusalResponse``: 403 with every reason, or 401 when the request is not authenticated.
    @discardableResult
    public func authorizeUpload(project: UploadRequest.Project?, attributes: [String: String] = [:]) throws -> StoredTokenVerdict {
        do { return try AuthenticatedToken.authorize(identity, project: project, attributes: attributes) } catch { throw TokenRefusalResponse(error) }
    }
}

/// A ``TokenRefusal`` as a Hummingbird error response: its status and reason phrase,
/// its headers, and its message as a plain-text body.
public struct TokenRefusalResponse: HTTPResponseError, CustomStringConvertible {
    /// The refusal.
    public let refusal: TokenRefusal

    /// Wraps a refusal.
    public init(_ refusal: TokenRefusal) {
        self.refusal = refusal
    }

    /// The status with the refusal's reason phrase.
    public var status: HTTPResponse.Status {
        HTTPResponse.Status(code: refusal.statusCode, reasonPhrase: refusal.reasonPhrase)
    }

    /// The refusal's description (status and reason codes; safe to log).
    public var description: String { refusal.description }

    /// The response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: TokenRefusal.contentType]
        for header in refusal.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: refusal.message + "\n")))
    }
}
#endif
