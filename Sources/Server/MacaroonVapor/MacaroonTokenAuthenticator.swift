#if Vapor
@_exported import MacaroonServerSupport
import MacaroonTokens
import Vapor

/// A Vapor `AsyncRequestAuthenticator` for macaroon upload tokens: it reads the
/// `Authorization` header (Basic `__token__:<token>`, `Bearer`, `token`), verifies the
/// token against a ``TokenStore`` and logs the ``AuthenticatedToken`` in
/// (`request.auth.get(AuthenticatedToken.self)`).
///
/// Refusals are answered as Warehouse does (``TokenRefusal``): 401 with `WWW-Authenticate`
/// without credentials (unless ``TokenAuthentication/credentialsRequired`` is false:
/// then the request passes unauthenticated), 403 `Invalid API Token: …`, 503 when the
/// store fails. Handlers then call `request.authorizeUpload(project:)`; its refusals,
/// thrown inside this middleware's group, get the same answers.
///
/// ```swift
/// let authentication = TokenAuthentication(verifier: verifier, store: store, owners: owners, logger: app.logger)
/// app.grouped(MacaroonTokenAuthenticator(authentication)).post("legacy") { request in
///     let form = ... // decode the upload, find the project
///     try request.authorizeUpload(project: UploadRequest.Project(name: form.name, id: projectID))
///     ...
/// }
/// ```
public struct MacaroonTokenAuthenticator: AsyncRequestAuthenticator {
    /// How tokens are verified, logged, counted and traced.
    public let authentication: TokenAuthentication

    /// A middleware authenticating with `authentication`.
    public init(_ authentication: TokenAuthentication) {
        self.authentication = authentication
    }

    /// Logs in the authenticated token; logs in nothing for a request without credentials when they are optional.
    ///
    /// - Throws: ``TokenRefusalResponse`` (401, 403 or 503).
    public func authenticate(request: Request) async throws {
        let values = request.headers[.authorization]
        do {
            // One field as it is (the usual case: no new string); several joined, as HTTP combines them.
            let header = values.count <= 1 ? values.first : values.joined(separator: ", ")
            if let token = try await authentication.authenticate(authorizationHeader: header) {
                request.auth.login(token)
            }
        } catch {
            throw TokenRefusalResponse(error)
        }
    }

    /// Authenticates, then answers the request; refusals, from here or from the
    /// handler's `authorizeUpload`, become their Warehouse answers.
    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            try await authenticate(request: request)
            return try await next.respond(to: request)
        } catch let error as TokenRefusalResponse {
            return error.response()
        }
    }
}

extension AuthenticatedToken: Authenticatable {}

extension Request {
    /// Checks the authenticated token's caveats against the request's project (see
    /// ``AuthenticatedToken/authorize(project:attributes:)``).
    ///
    /// - Returns: the allowed verdict, with the identity from the token's stored owner.
    /// - Throws: ``TokenRefusalResponse``: 403 with every reason, or 401 when the request is not authenticated.
    @discardableResult
    public func authorizeUpload(project: UploadRequest.Project?, attributes: [String: String] = [:]) throws -> StoredTokenVerdict {
        do {
            return try AuthenticatedToken.authorize(auth.get(AuthenticatedToken.self), project: project, attributes: attributes)
        } catch {
            throw TokenRefusalResponse(error)
        }
    }
}

/// A ``TokenRefusal`` as a Vapor error: its status and reason phrase, its headers, and
/// its message as a plain-text body (from ``MacaroonTokenAuthenticator``; as an
/// `AbortError` elsewhere).
public struct TokenRefusalResponse: AbortError, CustomStringConvertible {
    /// The refusal.
    public let refusal: TokenRefusal

    /// Wraps a refusal.
    public init(_ refusal: TokenRefusal) {
        self.refusal = refusal
    }

    /// The status with the refusal's reason phrase.
    public var status: HTTPResponseStatus {
        .custom(code: UInt(refusal.statusCode), reasonPhrase: refusal.reasonPhrase)
    }

    /// The refusal's message.
    public var reason: String { refusal.message }

    /// The refusal's headers.
    public var headers: HTTPHeaders {
        HTTPHeaders(refusal.headers.map { ($0.name, $0.value) })
    }

    /// The refusal's description (status and reason codes; safe to log).
    public var description: String { refusal.description }

    /// The response.
    public func response() -> Response {
        var headers = self.headers
        headers.replaceOrAdd(name: .contentType, value: TokenRefusal.contentType)
        return Response(status: status, headers: headers, body: .init(string: refusal.message + "\n"))
    }
}
#endif
