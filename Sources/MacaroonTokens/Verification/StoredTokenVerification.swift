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

/// The outcome of ``UploadTokenVerifier/authenticate(_:record:ownerStatus:discharges:)``.
public enum StoredTokenAuthentication: Sendable {
    /// The signature verified: the caveats remain.
    case authenticated(AuthenticatedStoredToken)
    /// Denied, with every reason found.
    case denied(StoredTokenVerdict)
}

/// A stored token whose signature verified against its record's root key: who it
/// belongs to is established, its caveats remain to be checked against each request
/// by ``UploadTokenVerifier/authorize(_:request:usage:)``, without walking the signature
/// chain again. Only ``UploadTokenVerifier/authenticate(_:record:ownerStatus:discharges:)``
/// creates one, so caveats are only ever evaluated for a token whose signature verified.
///
/// The root key never appears in descriptions, debug descriptions or mirrors.
public struct AuthenticatedStoredToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token's stored information (no key).
    public var info: TokenInfo { record.info }
    /// Its owner's status, as the ``TokenOwnerPolicy`` gave it.
    public let ownerStatus: TokenOwnerStatus
    let record: TokenRecord
    /// What depends on the token's bytes alone, behind one reference: a server passes the
    /// token around many times per request, and a cache reuses it for many requests.
    private let signed: Signed

    /// The verified macaroon, with its caveats decoded once when the token is kept.
    private final class Signed: Sendable {
        let macaroon: AuthenticatedMacaroon
        let prepared: PreparedCaveats?

        init(macaroon: AuthenticatedMacaroon, prepared: PreparedCaveats?) {
            self.macaroon = macaroon
            self.prepared = prepared
        }
    }

    /// The macaroon whose signature chain verified under the record's root key.
    var macaroon: AuthenticatedMacaroon { signed.macaroon }
    /// The first-party caveats of the macaroon and its discharges, in order, decoded once ahead
    /// of the requests (``UploadTokenVerifier/preparingCaveats(of:upTo:)``), for a token that is kept
    /// to authorize many; `nil`: ``UploadTokenVerifier/authorize(_:request:usage:)`` decodes them.
    var prepared: PreparedCaveats? { signed.prepared }

    /// Caveats decoded by a language, which a verifier uses only when its own language decodes alike.
    struct PreparedCaveats: Sendable {
        let language: CaveatLanguage
        let caveats: [PreparedCaveat]
    }

    init(macaroon: AuthenticatedMacaroon, record: TokenRecord, ownerStatus: TokenOwnerStatus, prepared: PreparedCaveats? = nil) {
        self.init(signed: Signed(macaroon: macaroon, prepared: prepared), record: record, ownerStatus: ownerStatus)
    }

    private init(signed: Signed, record: TokenRecord, ownerStatus: TokenOwnerStatus) {
        self.signed = signed
        self.record = record
        self.ownerStatus = ownerStatus
    }

    /// This token with its record and owner status as read again for another request, without
    /// verifying its signature again: `nil` unless `record` is stored under the same identifier
    /// with the same root key (compared in constant time), the key the signature verified under.
    /// For caches of authenticated tokens, which must look the record up for every request so
    /// that a revoked or re-keyed token is refused as soon as the store says so.
    package func revalidated(with record: TokenRecord, ownerStatus: TokenOwnerStatus) -> AuthenticatedStoredToken? {
        guard record.rootKey.hasSameSigningKey(as: self.record.rootKey), UTF8Text.equal(record.id, self.record.id) else { return nil }
        return AuthenticatedStoredToken(signed: signed, record: record, ownerStatus: ownerStatus)
    }

    /// Whether the token presented carries caveats beyond the ones the server issued and
    /// stored with it: restrictions its holder appended (e.g. with `macaroon restrict --ttl`).
    ///
    /// Caveats restrict requests, not what a server does on the token's behalf: a holder who
    /// narrowed a token (to an hour, say) expects it to be unable to mint a token without
    /// that restriction. Refuse such tokens for anything the caveats cannot express, such as
    /// creating, listing or revoking tokens.
    public var isRestrictedByHolder: Bool { macaroon.verified.root.caveats.count > record.caveats.count }

    /// The reason the owner may not use its tokens (`DenialReason.Code.ownerDisabled`); `nil` when active.
    /// It depends on no request: a server may refuse at once.
    public var ownerDenial: DenialReason? {
        guard case .disabled(let reason) = ownerStatus else { return nil }
        return DenialReason(.ownerDisabled, reason)
    }

    /// The id and owner only.
    public var description: String { "AuthenticatedStoredToken(id: \(info.id), owner: \(info.owner))" }
    /// The id and owner only.
    public var debugDescription: String { description }
    /// The information only; never the key.
    public var customMirror: Mirror { Mirror(self, children: ["info": info], displayStyle: .struct) }
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
        guard let identifier = storeIdentifier(of: token), let record = try await store.token(id: identifier) else {
            return StoredTokenVerdict(.denied([Self.unknownToken]))
        }
        let status = try await owners.status(of: record.owner)
        return verify(token, record: record, ownerStatus: status, request: request, usage: usage, discharges: discharges)
    }

    /// The identifier to look `token` up by in a ``TokenStore``, or `nil` (an unknown
    /// token, never looked up) when it is not UTF-8 text or is longer than
    /// ``maxIdentifierLength`` bytes.
    public func storeIdentifier(of token: ServiceToken) -> String? {
        guard token.macaroon.identifier.count <= maxIdentifierLength else { return nil }
        return token.identifier
    }

    /// Verifies a parsed token with its stored record and its owner's status, already
    /// fetched: the synchronous second half of ``verify(token:request:store:owners:usage:discharges:)``,
    /// ``authenticate(_:record:ownerStatus:discharges:)`` then ``authorize(_:request:usage:)``.
    ///
    /// `record` must be the one stored under the token's identifier; `request.identity`
    /// is ignored and replaced by the stored owner's.
    public func verify(
        _ token: ServiceToken, record: TokenRecord, ownerStatus status: TokenOwnerStatus, request: UploadRequest,
        usage: TokenUsageRecorder? = nil, discharges: [Macaroon] = []
    ) -> StoredTokenVerdict {
        switch authenticate(token, record: record, ownerStatus: status, discharges: discharges) {
        case .authenticated(let token): authorize(token, request: request, usage: usage)
        case .denied(let verdict): verdict
        }
    }

    /// Authenticates a parsed token with its stored record and its owner's status: the
    /// prefix, the signature chain under the record's root key, the location and
    /// third-party trust. Its caveats remain: check them against each request with
    /// ``authorize(_:request:usage:)``, which does not walk the signature chain again.
    ///
    /// For servers that authenticate a request before its body is read (the framework
    /// adapters' middleware) and know the project only later. `record` must be the one
    /// stored under the token's identifier.
    public func authenticate(
        _ token: ServiceToken, record: TokenRecord, ownerStatus status: TokenOwnerStatus, discharges: [Macaroon] = []
    ) -> StoredTokenAuthentication {
        switch authenticate(token, key: record.rootKey, discharges: discharges) {
        case .authenticated(let macaroon):
            return .authenticated(AuthenticatedStoredToken(macaroon: macaroon, record: record, ownerStatus: status))
        case .denied(let reasons):
            // The token's record is shown only once its signature verified.
            let verified = !reasons.contains { $0.code == .invalidSignature || $0.code == .wrongLocation || $0.code == .malformedToken }
            return .denied(StoredTokenVerdict(.denied(reasons), token: verified ? record.info : nil))
        }
    }

    /// `token` with its caveats decoded once, for a server that keeps it to authorize many
    /// requests (`TokenAuthentication`'s cache of authenticated tokens): ``authorize(_:request:usage:)``
    /// of a verifier whose language decodes alike then evaluates the decoded caveats, with the same
    /// verdicts, reasons and caveat indexes as from their bytes.
    ///
    /// `nil` (not worth keeping) when the token carries more than `maximumCount` first-party caveats
    /// (decoded caveats take far more memory than their bytes, and a holder can append caveats at
    /// will) or one that cannot be decoded (it fails every request).
    package func preparingCaveats(of token: AuthenticatedStoredToken, upTo maximumCount: Int) -> AuthenticatedStoredToken? {
        var caveats: [PreparedCaveat] = []
        for caveat in token.macaroon.verified.firstPartyCaveats {
            guard caveats.count < maximumCount else { return nil }
            let prepared = language.prepare(caveat)
            if case .invalid = prepared { return nil }
            caveats.append(prepared)
        }
        return AuthenticatedStoredToken(
            macaroon: token.macaroon, record: token.record, ownerStatus: token.ownerStatus,
            prepared: .init(language: language, caveats: caveats))
    }

    /// Checks an authenticated token against `request`: every caveat of the token, every
    /// caveat stored with it, its stored expiry, and its owner's status, reporting every
    /// reason. `request.identity` is ignored and replaced by the stored owner's. When
    /// allowed, the use is noted in `usage` (never awaited).
    public func authorize(_ token: AuthenticatedStoredToken, request: UploadRequest, usage: TokenUsageRecorder? = nil) -> StoredTokenVerdict {
        let record = token.record
        var request = request
        request.identity = Self.identity(of: record.info.owner, status: token.ownerStatus)
        var reasons: [DenialReason]
        if let prepared = token.prepared, prepared.language.decodesAlike(language) {
            // The same evaluation as from the bytes (`CaveatLanguage.evaluate` is `prepare` then `evaluate`),
            // by a language that decodes as this verifier's does (a token authenticated by one verifier
            // may be authorized by another: then this verifier's language decides, from the bytes).
            reasons = []
            for (index, caveat) in prepared.caveats.enumerated() {
                VerificationOrder.note(caveat.evaluate(request), caveatIndex: index, in: &reasons)
            }
        } else {
            reasons = evaluate(token.macaroon, request: request).reasons
        }
        func deny(_ reason: DenialReason) {
            // Messages echo token bytes: compared as bytes, never as `String` (no Unicode normalization).
            if !reasons.contains(where: { $0.message.utf8.elementsEqual(reason.message.utf8) }) { reasons.append(reason) }
        }
        if let expires = record.expires, request.now >= expires {
            deny(DenialReason(.caveatNotSatisfied, "token is expired (expired at \(UnixTime.format(expires)))"))
        }
        let presented = token.macaroon.verified.root.caveats
        for (index, bytes) in record.caveats.enumerated() {
            // The token as issued carries its stored caveats first: where the presented token has the
            // same bytes at the same place, that caveat was just evaluated against this same request,
            // and the same bytes give the same verdict. Only a stored caveat the token lacks is
            // evaluated again (decoding a caveat is most of the cost of authorizing a request).
            if index < presented.count, case .firstParty(let identifier) = presented[index],
               identifier.count == bytes.count, identifier.elementsEqual(bytes) {
                continue
            }
            if case .failed(let reason) = language.evaluate(bytes[...], in: request) {
                deny(reason)
            }
        }
        if let reason = token.ownerDenial {
            deny(reason)
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
