import Foundation
import Hummingbird
import MacaroonHummingbird
import MacaroonTokens

/// A small JSON API for the registry's users, authenticated by their own
/// account-wide tokens as minted: a project-scoped token, or one its holder restricted
/// (e.g. with `macaroon restrict --ttl`), cannot manage tokens, and a token that
/// expires creates only tokens that expire no later:
///
/// - `GET /api/whoami`: `{"user": <id>}` for a valid token, `{}` without credentials
///   (the same route with and without authentication: what the load benchmark compares);
/// - `GET /api/tokens`: the user's tokens, never a secret;
/// - `POST /api/tokens` with `{"name": …, "projects": [...], "ttl": "1h"}` (all optional): a new token, shown once;
/// - `DELETE /api/tokens/<id>`: revokes one of the user's tokens.
struct TokenAPIRoutes: RegistryRouteGroup {
    let context: RegistryServerContext

    /// What `POST /api/tokens` takes.
    struct CreateRequest: Codable {
        let name: String?
        let projects: [String]?
        let ttl: String?
    }

    /// What `POST /api/tokens` answers: the token, once.
    struct CreateResponse: Codable {
        let id: String
        let name: String
        let expires: Int64?
        let token: String
    }

    func addRoutes(to router: Router<RegistryRequestContext>) {
        let optional = TokenAuthentication(
            verifier: context.authentication.verifier, store: context.authentication.store, owners: context.authentication.owners,
            usage: context.authentication.usage, credentialsRequired: false, logger: context.logger)
        router.group("api/whoami").add(middleware: MacaroonAuthenticator(optional)).get { _, requestContext in
            let user = requestContext.identity == nil ? nil : try context.authorizedUser(requestContext, project: nil)
            return Response(status: .ok, headers: Self.jsonHeaders, body: ResponseBody(byteBuffer: Self.whoAmI(user: user)))
        }
        let tokens = router.group("api/tokens").add(middleware: context.authenticator)
        tokens.get { _, requestContext in
            let user = try managingUser(requestContext).id
            let tokens = try await context.tokenStoreCall { try await context.store.tokens.tokens(ownedBy: .user(id: user)) }
            return try json(["tokens": tokens.map { TokenListing($0) }], status: .ok)
        }
        tokens.post { request, requestContext in
            var request = request
            let (userID, token) = try managingUser(requestContext)
            let body = try await request.collectBody(upTo: 64 * 1024)
            guard let create = try? JSONDecoder().decode(CreateRequest.self, from: Data(buffer: body)) else {
                throw UploadFailure(.badRequest, "The body must be a JSON object with optional name, projects and ttl.")
            }
            var ttl: Int64?
            if let text = create.ttl {
                guard let seconds = DurationText.seconds(text) else { throw UploadFailure(.badRequest, "ttl is a duration such as 90s, 15m, 2h or 30d.") }
                ttl = seconds
            }
            guard let user = try await context.operational({ try await context.store.registry.user(id: userID) }) else {
                throw UploadFailure(.forbidden, "Invalid API Token: the token's user no longer exists")
            }
            let minted: MintedStoredToken
            do {
                minted = try await context.issuer.mint(
                    for: user, name: create.name, projects: create.projects ?? [], ttl: ttl, expiresNoLaterThan: token.info.expires)
            } catch let error as RegistryError {
                throw context.failure(error)
            } catch let error as TokenStoreError where !error.isOperational {
                throw UploadFailure(.badRequest, error.detail)
            } catch {
                throw context.storeFailure(error)
            }
            context.logger.info("token created", metadata: ["token_id": "\(minted.info.id)", "user": "\(user.name)"])
            return try json(
                CreateResponse(id: minted.info.id, name: minted.info.name, expires: minted.info.expires, token: minted.token),
                status: .created)
        }
        tokens.delete(":id") { _, requestContext in
            let userID = try managingUser(requestContext).id
            let id = try requestContext.parameters.require("id")
            do {
                try await context.store.tokens.delete(id: id, ownedBy: .user(id: userID))
            } catch let error as TokenStoreError where error.code == .notFound {
                throw UploadFailure(.notFound, "You have no token with this id.")
            } catch {
                throw context.storeFailure(error)
            }
            context.logger.info("token revoked", metadata: ["token_id": "\(id)"])
            return Response(status: .noContent)
        }
    }

    /// The user whose tokens the request manages, and the token it presents: an account-wide
    /// token (every caveat checked with no project) that its holder has not restricted further.
    /// Restrictions bound requests, so a token restricted to an hour must not mint a token
    /// without that restriction, nor revoke the user's other tokens.
    ///
    /// - Throws: 403 `Invalid API Token: …` otherwise.
    private func managingUser(_ requestContext: RegistryRequestContext) throws -> (id: String, token: AuthenticatedToken) {
        let user = try context.authorizedUser(requestContext, project: nil)
        guard let token = requestContext.identity, !token.isRestrictedByHolder else {
            throw UploadFailure(.forbidden, "Invalid API Token: a token restricted by its holder cannot manage tokens")
        }
        return (user, token)
    }

    /// The body `GET /api/whoami` answers: `{"user":"<id>"}`, or `{}` without a token. Written
    /// directly rather than through `JSONEncoder`, whose set-up costs more than verifying the
    /// token: the load benchmark compares the two answers of this route.
    static func whoAmI(user: String?) -> ByteBuffer {
        // Sized for the usual answer (no escapes), so that it is allocated once.
        var body = ByteBufferAllocator().buffer(capacity: 12 + (user?.utf8.count ?? 0))
        if let user {
            body.writeStaticString("{\"user\":")
            JSONText.writeString(user, to: &body)
            body.writeStaticString("}")
        } else {
            body.writeStaticString("{}")
        }
        return body
    }

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    private func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}
