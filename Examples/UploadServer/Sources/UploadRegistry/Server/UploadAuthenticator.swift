import Hummingbird
import Logging
import MacaroonTokens

/// Checks the token in a request's `Authorization` header against the token
/// store, for an upload to a project (or, without one, for the JSON API), and
/// answers refusals as Warehouse does: 401 with `WWW-Authenticate` without
/// credentials, 403 `Invalid API Token: <every reason>`, 503 when the store
/// fails. Never an allow on an error.
struct UploadAuthenticator: Sendable {
    let verifier: UploadTokenVerifier
    let tokens: any TokenStore
    let owners: any TokenOwnerPolicy
    let usage: TokenUsageRecorder?
    let logger: Logger

    /// The answer to a request without credentials.
    static let noCredentials = UploadFailure(
        .unauthorized, "Invalid or non-existent authentication information. See /help/#invalid-auth for more information.",
        headers: [.wwwAuthenticate: "Basic realm=\"upload-server\""])

    /// The user the request's token authenticates for `project`.
    func authenticate(_ request: Request, project: UploadRequest.Project?) async throws(UploadFailure) -> String {
        guard case .user(let userID) = try await owner(request, project: project) else {
            throw UploadFailure(.forbidden, "Invalid API Token: not a user token")
        }
        return userID
    }

    /// The owner (a user, or a trusted publisher) the request's token authenticates for `project`.
    func owner(_ request: Request, project: UploadRequest.Project?) async throws(UploadFailure) -> TokenOwner {
        guard let header = request.headers[.authorization] else { throw Self.noCredentials }
        let outcome: StoredTokenVerdict
        do {
            outcome = try await verifier.verify(
                authorizationHeader: header, request: UploadRequest(project: project), store: tokens, owners: owners, usage: usage)
        } catch let error as TokenStoreError where error.code == .keyUnavailable {
            logger.error("token refused: its root key cannot be opened with this server's key-encryption key", metadata: ["detail": "\(error.detail)"])
            throw UploadFailure(.serviceUnavailable, "Service Unavailable: this server cannot open the token's key.")
        } catch {
            logger.error("token store unavailable", metadata: ["error": "\(error)"])
            throw UploadFailure(.serviceUnavailable, "Service Unavailable: the token store cannot be reached; retry later.")
        }
        guard outcome.isAllowed, let owner = outcome.owner else {
            let reasons = outcome.verdict.reasons.map(\.message).joined(separator: "; ")
            logger.info("token denied", metadata: ["token_id": "\(outcome.token?.id ?? "-")", "reasons": "\(reasons)"])
            throw UploadFailure(.forbidden, "Invalid API Token: \(reasons)")
        }
        return owner
    }
}
