public import Macaroons
import _MacaroonInternals

/// The outcome of verifying a token against a ``TokenStore``: the verdict,
/// and who the token authenticated.
public struct StoredTokenVerdict: Sendable {
    /// Allowed, or denied with every reason.
    public let verdict: UploadVerdict
    /// The stored token (never its key), once its signature has verified; `nil` for
    /// malformed, unknown or forged tokens. Present on other denials, for audit logs.
    public let token: TokenInfo?
    /// The identity the token established, from its stored owner; set only when allowed.
    public let identity: UploadRequest.Identity?

    /// Whether the request is allowed.
    public var isAllowed: Bool { verdict.isAllowed }
    /// The authenticated owner; set only when allowed.
    public var owner: TokenOwner? { isAllowed ? token?.owner : nil }

    init(_ verdict: UploadVerdict, token: TokenInfo? = nil, identity: UploadRequest.Identity? = nil) {
        self.verdict = verdict
        self.token = token
        self.identity = identity
    }
}

extension UploadTokenVerifier {
    /// Verifies a token against a store, taking the identity from the token's
    /// stored owner: `request.identity` is ignored and replaced.
    ///
    /// In order: parse; look the token up by identifier; ask `owners` about the
    /// stored owner; verify the signature chain (a failure ends here, saying
    /// nothing about the owner); then every caveat of the token, every caveat
    /// stored with it, its stored expiry, and the owner's status. When allowed,
    /// the use is noted in `usage` (never awaited).
    ///
    /// - Throws: the store's ``TokenStoreError`` and the policy's errors, unchanged:
    ///   operational failures (503), never a verdict.
    public func verify(
        token text: some StringProtocol, request: UploadRequest, store: some TokenStore, owners: some TokenOwnerPolicy,
        usage: TokenUsageRecorder? = nil, discharges: [Macaroon] = []
    ) async throws -> StoredTokenVerdict {
        let token: ServiceToken
        do {
            token = try parse(text)
        } catch {
            return StoredTokenVerdict(.denied([DenialReason(.malformedToken, "invalid API token: \(error.detail)")]))
        }
        guard let identifier = token.identifier, let record = try await store.token(id: identifier) else {
            return StoredTokenVerdict(.denied([DenialReason(.unknownIdentifier, "unknown or revoked API token")]))
        }
        let status = try await owners.status(of: record.owner)
        return verify(token, record: record, ownerStatus: status, request: request, usage: usage, discharges: discharges)
    }

    /// Verifies a parsed token with its stored record and its owner's status, already
    /// fetched: the synchronous second half of ``verify(token:request:store:owners:usage:discharges:)``.
    ///
    /// For servers that authenticate a request before its body is read and check the
    /// project-dependent caveats later (the framework adapters): look the record up once,
    /// then verify it against each request. `record` must be the one stored under the
    /// token's identifier; `request.identity` is ignored and replaced by the stored owner's.
    public func verify(
        _ token: ServiceToken, record: TokenRecord, ownerStatus status: TokenOwnerStatus, request: UploadRequest,
        usage: TokenUsageRecorder? = nil, discharges: [Macaroon] = []
    ) -> StoredTokenVerdict {
        var request = request
        request.identity = Self.identity(of: record.owner, status: status)
        let verdict = verify(token, key: record.rootKey, request: request, discharges: discharges)
        if verdict.reasons.contains(where: { $0.code == .invalidSignature || $0.code == .wrongLocation }) {
            return StoredTokenVerdict(verdict)
        }
        var reasons = verdict.reasons
        func deny(_ reason: DenialReason) {
            // Messages echo token bytes: compared as bytes, never as `String` (no Unicode normalization).
            if !reasons.contains(where: { $0.message.utf8.elementsEqual(reason.message.utf8) }) { reasons.append(reason) }
        }
        if let expires = record.expires, request.now >= expires {
            deny(DenialReason(.caveatNotSatisfied, "token is expired (expired at \(UnixTime.format(expires)))"))
        }
        for bytes in record.caveats {
            if case .failed(let reason) = language.evaluate(bytes[...], in: request) {
                deny(reason)
            }
        }
        if case .disabled(let reason) = status {
            deny(DenialReason(.ownerDisabled, reason))
        }
        guard reasons.isEmpty else {
            return StoredTokenVerdict(.denied(reasons), token: record.info)
        }
        usage?.record(id: record.id, at: request.now)
        return StoredTokenVerdict(.allowed, token: record.info, identity: request.identity)
    }

    /// Verifies the token in an `Authorization` header against a store (see ``verify(token:request:store:owners:usage:discharges:)``).
    public func verify(
        authorizationHeader header: some StringProtocol, request: UploadRequest, store: some TokenStore,
        owners: some TokenOwnerPolicy, usage: TokenUsageRecorder? = nil, discharges: [Macaroon] = []
    ) async throws -> StoredTokenVerdict {
        let text: Substring
        do {
            text = try AuthorizationHeader.token(from: header)
        } catch {
            return StoredTokenVerdict(.denied([DenialReason(.malformedToken, error.detail)]))
        }
        return try await verify(token: text, request: request, store: store, owners: owners, usage: usage, discharges: discharges)
    }

    private static func identity(of owner: TokenOwner, status: TokenOwnerStatus) -> UploadRequest.Identity {
        switch owner {
        case .user(let id):
            return .user(id: id)
        case .trustedPublisher(let id):
            guard case .active(let projectIDs) = status else { return .trustedPublisher(id: id, projectIDs: []) }
            return .trustedPublisher(id: id, projectIDs: projectIDs)
        }
    }
}
