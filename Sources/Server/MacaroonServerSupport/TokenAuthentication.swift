#if Hummingbird || Vapor
import _MacaroonInternals
import Logging
import Macaroons
import MacaroonTokens
import Metrics
import Tracing

/// Token authentication for an HTTP server, independent of the framework: the one
/// place where an `Authorization` header becomes an ``AuthenticatedToken`` or a
/// ``TokenRefusal``, and where it is logged, counted and traced. `MacaroonHummingbird`
/// and `MacaroonVapor` only carry requests and answers to and from it.
///
/// Two steps, as Warehouse separates identity from permission:
/// 1. ``authenticate(authorizationHeader:)`` (the middleware): parse the header, look
///    the token up in the ``TokenStore``, ask the ``TokenOwnerPolicy``, verify the
///    signature chain. A malformed, unknown, forged or foreign token, a third-party
///    caveat, or a disabled owner is refused here.
/// 2. ``AuthenticatedToken/authorize(project:attributes:)`` (the handler, once it knows the project):
///    every caveat, the stored ones and the expiry, against the request, without walking
///    the signature chain again (an ``AuthenticatedStoredToken`` exists only once it verified).
///
/// A reference type: the ``AuthenticatedToken`` of every request refers to it.
///
/// Never an allow on an error: a store or policy failure is a 503 refusal.
///
/// Logs go to the injected `Logger` and never contain a token, a key or a secret:
/// token ids, owners, schemes, reason codes, and reason messages except those of
/// malformed headers and tokens (which may echo what was sent). See
/// `Specs/server-integration.md` for the answers, log lines, metrics and spans.
public final class TokenAuthentication: Sendable {
    /// Parses and verifies tokens (prefix, location, caveat language, limits).
    public let verifier: UploadTokenVerifier
    /// Where tokens are looked up.
    public let store: any TokenStore
    /// The server's word on owners (disabled accounts, publishers' projects).
    public let owners: any TokenOwnerPolicy
    /// Notes each authorized use (written in the background); `nil` to record nothing.
    public let usage: TokenUsageRecorder?
    /// Whether a request without an `Authorization` header is refused (401); otherwise
    /// it passes unauthenticated, for routes that serve anonymous users too.
    public let credentialsRequired: Bool
    /// Where log lines go.
    public let logger: Logger
    /// Where spans go.
    public let tracer: any Tracer
    /// The current time in Unix seconds.
    public let clock: @Sendable () -> Int64
    let metrics: TokenAuthenticationMetrics
    /// Whether spans are made: not for the no-op tracer, whose spans would only cost time.
    let tracing: Bool
    /// Tokens authenticated recently, so that one presented again is not parsed, walked and decoded again.
    let authenticatedTokens: AuthenticatedTokenCache?
    /// Whether a header authenticated before may be answered from memory without an asynchronous
    /// call: when lookups are neither timed nor traced (see ``authenticatedFromMemory(_:)``).
    let answersFromMemory: Bool

    /// Configures token authentication.
    ///
    /// - Parameters:
    ///   - metricsFactory: where metrics are created; defaults to the process's bootstrapped factory.
    ///   - tracer: where spans go; defaults to the process's bootstrapped tracer (a no-op unless bootstrapped).
    ///   - clock: the time caveats and expiries are checked at.
    ///   - authenticatedTokenCapacity: how many authenticated tokens (of at most 1 KiB of text) are
    ///     remembered by the `Authorization` header they came in, so that a header presented again
    ///     is not parsed, its token's signature chain not walked and its caveats not decoded again;
    ///     0 remembers none.
    ///     The store and the owner policy are still asked on every request, and every caveat is
    ///     still evaluated: only work that depends on the token's bytes alone is saved.
    public init(
        verifier: UploadTokenVerifier, store: any TokenStore, owners: any TokenOwnerPolicy,
        usage: TokenUsageRecorder? = nil, credentialsRequired: Bool = true,
        logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory,
        tracer: any Tracer = InstrumentationSystem.tracer, clock: @escaping @Sendable () -> Int64 = UploadRequest.currentTime,
        authenticatedTokenCapacity: Int = 1024
    ) {
        self.verifier = verifier
        self.store = store
        self.owners = owners
        self.usage = usage
        self.credentialsRequired = credentialsRequired
        self.logger = logger
        self.tracer = tracer
        self.tracing = !(tracer is NoOpTracer)
        self.clock = clock
        self.metrics = TokenAuthenticationMetrics(factory: metricsFactory)
        self.authenticatedTokens = authenticatedTokenCapacity > 0 ? AuthenticatedTokenCache(capacity: authenticatedTokenCapacity) : nil
        self.answersFromMemory = !tracing && !metrics.isRecording
    }

    /// Authenticates a request by its `Authorization` header (`nil` when it has none).
    ///
    /// - Returns: the authenticated token; `nil` only for a request without credentials
    ///   when ``credentialsRequired`` is false.
    /// - Throws: a ``TokenRefusal``: 401 without credentials, 403 for a refused token,
    ///   503 when the store or the owner policy fails.
    public func authenticate(authorizationHeader header: String?) async throws(TokenRefusal) -> AuthenticatedToken? {
        if answersFromMemory, let header, let token = authenticatedFromMemory(header) { return token }
        let scheme = AuthorizationScheme(header: header)
        metrics.record(scheme)
        guard let header else {
            metrics.record(.authenticate, .unauthenticated)
            logger.debug("macaroon: request without credentials", metadata: ["required": "\(credentialsRequired)"])
            if credentialsRequired { throw .missingCredentials }
            return nil
        }
        guard tracing else { return try await authenticate(header: header, scheme: scheme, span: nil).get() }
        let result = await tracer.withSpan("macaroon.authenticate") { span in
            span.attributes["macaroon.auth.scheme"] = scheme.rawValue
            let result = await authenticate(header: header, scheme: scheme, span: span)
            switch result {
            case .success(let token):
                span.attributes["macaroon.token.id"] = token.id
                span.attributes["macaroon.outcome"] = "authenticated"
            case .failure(let refusal):
                span.attributes["macaroon.outcome"] = refusal.statusCode == 503 ? "unavailable" : "denied"
                span.attributes["macaroon.denial.reasons"] = refusal.reasons.map(\.code.description)
                if refusal.statusCode == 503 { span.setStatus(SpanStatus(code: .error)) }
            }
            return result
        }
        return try result.get()
    }

    /// A header authenticated before, answered without an asynchronous call: its remembered
    /// token, with the store's record and the owner's status from memory (``TokenStore/cachedToken(id:)``,
    /// ``TokenOwnerPolicy/cachedStatus(of:)``), checked as ``remembered(_:scheme:)`` checks them.
    /// `nil` when any of them is not in memory, or the answer is not an active owner's token:
    /// then the asynchronous path answers, with the same verdict.
    private func authenticatedFromMemory(_ header: String) -> AuthenticatedToken? {
        guard let entry = authenticatedTokens?.entry(for: header),
              let record = store.cachedToken(id: entry.identifier),
              let status = owners.cachedStatus(of: record.owner),
              let stored = entry.token.revalidated(with: record, ownerStatus: status), stored.ownerDenial == nil
        else { return nil }
        metrics.record(entry.scheme)
        return authenticated(stored, scheme: entry.scheme)
    }

    private func authenticate(header: String, scheme: AuthorizationScheme, span: (any Span)?) async -> Result<AuthenticatedToken, TokenRefusal> {
        let stored: AuthenticatedStoredToken
        do {
            if let entry = authenticatedTokens?.entry(for: header), let remembered = try await remembered(entry, scheme: scheme) {
                stored = remembered
            } else {
                stored = try await verify(header, scheme: scheme)
            }
        } catch let refusal as TokenRefusal {
            return .failure(refusal)
        } catch {
            span?.recordError(error)
            return .failure(unavailable(.authenticate, error))
        }
        if let reason = stored.ownerDenial {
            return .failure(deny(.authenticate, [reason], scheme: scheme, record: stored.info))
        }
        return .success(authenticated(stored, scheme: scheme))
    }

    /// An authenticated active owner's token, counted and logged.
    private func authenticated(_ stored: AuthenticatedStoredToken, scheme: AuthorizationScheme) -> AuthenticatedToken {
        metrics.record(.authenticate, .allowed)
        logger.debug("macaroon: token authenticated", metadata: [
            "macaroon.token.id": "\(stored.info.id)", "macaroon.owner": "\(stored.info.owner)", "macaroon.auth.scheme": "\(scheme.rawValue)",
        ])
        return AuthenticatedToken(token: stored, scheme: scheme, authentication: self)
    }

    /// Parses the token in `header`, looks it up, asks the owner policy and verifies its
    /// signature chain; remembers it for `header` once authenticated. Throws a ``TokenRefusal``
    /// for a refused token, and the store's and the policy's errors.
    private func verify(_ header: String, scheme: AuthorizationScheme) async throws -> AuthenticatedStoredToken {
        let text: Substring
        do {
            text = try AuthorizationHeader.token(from: header)
        } catch {
            throw deny(.authenticate, [DenialReason(.malformedToken, error.detail)], scheme: scheme, record: nil)
        }
        let token: ServiceToken
        do {
            token = try verifier.parse(text)
        } catch {
            throw deny(.authenticate, [DenialReason(.malformedToken, "invalid API token: \(error.detail)")], scheme: scheme, record: nil)
        }
        guard let identifier = verifier.storeIdentifier(of: token), let record = try await lookUp(identifier) else {
            throw deny(.authenticate, [UploadTokenVerifier.unknownToken], scheme: scheme, record: nil)
        }
        let status = try await status(of: record.owner)
        switch verifier.authenticate(token, record: record, ownerStatus: status) {
        case .authenticated(let stored):
            guard let authenticatedTokens,
                  let prepared = verifier.preparingCaveats(of: stored, upTo: AuthenticatedTokenCache.maximumCaveatCount) else {
                return stored
            }
            authenticatedTokens.insert(.init(header: header, scheme: scheme, identifier: identifier, token: prepared), text: text)
            return prepared
        case .denied(let verdict):
            throw deny(.authenticate, verdict.verdict.reasons, scheme: scheme, record: record.info)
        }
    }

    /// A remembered token with its record and owner status read again, or `nil` (verify it)
    /// when its record changed. Throws a refusal when its record is gone, and the store's and
    /// the policy's errors.
    @inline(__always)
    private func remembered(_ entry: AuthenticatedTokenCache.Entry, scheme: AuthorizationScheme) async throws -> AuthenticatedStoredToken? {
        guard let record = try await lookUp(entry.identifier) else {
            authenticatedTokens?.remove(entry.header)
            throw deny(.authenticate, [UploadTokenVerifier.unknownToken], scheme: scheme, record: nil)
        }
        let status = try await status(of: record.owner)
        guard let token = entry.token.revalidated(with: record, ownerStatus: status) else {
            authenticatedTokens?.remove(entry.header)
            return nil
        }
        return token
    }

    /// The record of `identifier`, traced, and timed unless metrics go to the no-op factory.
    /// Untraced and untimed, the store's answer from memory is taken first, without an
    /// asynchronous call (the same answer: see ``TokenStore/cachedToken(id:)``).
    @inline(__always)
    private func lookUp(_ identifier: String) async throws -> TokenRecord? {
        guard metrics.isRecording || tracing else {
            if let record = store.cachedToken(id: identifier) { return record }
            return try await store.token(id: identifier)
        }
        let start = ContinuousClock.now
        defer { metrics.lookupDuration.record(duration: ContinuousClock.now - start) }
        guard tracing else { return try await store.token(id: identifier) }
        return try await tracer.withSpan("macaroon.token_store.lookup", ofKind: .client) { span in
            let record = try await store.token(id: identifier)
            span.attributes["macaroon.token.found"] = record != nil
            return record
        }
    }

    /// The owner policy's word on `owner`: its answer from memory when it has one, without an
    /// asynchronous call (see ``TokenOwnerPolicy/cachedStatus(of:)``), otherwise its answer.
    @inline(__always)
    private func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
        if let status = owners.cachedStatus(of: owner) { return status }
        return try await owners.status(of: owner)
    }

    /// See ``AuthenticatedToken/authorize(project:attributes:)``.
    func authorize(
        _ token: AuthenticatedToken, project: UploadRequest.Project?, attributes: [String: String] = [:]
    ) throws(TokenRefusal) -> StoredTokenVerdict {
        let request = UploadRequest(project: project, now: clock(), attributes: attributes)
        let verdict: StoredTokenVerdict
        if tracing {
            verdict = tracer.withSpan("macaroon.authorize") { span in
                span.attributes["macaroon.token.id"] = token.id
                if let project { span.attributes["macaroon.project"] = Self.printable(project) }
                let verdict = verifier.authorize(token.token, request: request, usage: usage)
                span.attributes["macaroon.outcome"] = verdict.isAllowed ? "allowed" : "denied"
                span.attributes["macaroon.denial.reasons"] = verdict.verdict.reasons.map(\.code.description)
                return verdict
            }
        } else {
            verdict = verifier.authorize(token.token, request: request, usage: usage)
        }
        guard verdict.isAllowed else {
            throw deny(.authorize, verdict.verdict.reasons, scheme: token.scheme, record: token.info, project: project)
        }
        metrics.record(.authorize, .allowed)
        logger.debug("macaroon: upload authorized", metadata: [
            "macaroon.token.id": "\(token.id)", "macaroon.owner": "\(token.owner)",
            "macaroon.project": "\(project.map(Self.printable) ?? "-")",
        ])
        return verdict
    }

    /// A 403, counted and logged: reason codes always, reason messages unless they may echo the request's bytes.
    private func deny(
        _ stage: TokenAuthenticationMetrics.Stage, _ reasons: [DenialReason], scheme: AuthorizationScheme, record: TokenInfo?,
        project: UploadRequest.Project? = nil
    ) -> TokenRefusal {
        metrics.record(stage, .denied, reasons: reasons)
        var metadata: Logger.Metadata = [
            "macaroon.stage": "\(stage.name)", "macaroon.auth.scheme": "\(scheme.rawValue)",
            "macaroon.denial.reasons": .array(reasons.map { .string($0.code.description) }),
            "macaroon.denial.messages": .array(reasons.filter { $0.code != .malformedToken }.map { .string($0.message) }),
        ]
        if let record {
            metadata["macaroon.token.id"] = "\(record.id)"
            metadata["macaroon.owner"] = "\(record.owner)"
        }
        if let project { metadata["macaroon.project"] = "\(Self.printable(project))" }
        logger.info("macaroon: token refused", metadata: metadata)
        return .invalidToken(reasons)
    }

    /// A project's normalized name for logs and spans: it comes from the request, so it is
    /// escaped (no line breaks or terminal controls) and capped.
    private static func printable(_ project: UploadRequest.Project) -> String {
        Printable.text(project.normalizedName, limit: 128, quoted: false)
    }

    /// A 503, counted and logged at error level.
    private func unavailable(_ stage: TokenAuthenticationMetrics.Stage, _ error: any Error) -> TokenRefusal {
        metrics.record(stage, .unavailable)
        let detail: String
        if let error = error as? TokenStoreError {
            detail = error.description
        } else {
            detail = "\(type(of: error)): \(error)"
        }
        logger.error("macaroon: token store or owner policy failed; answering 503", metadata: ["error": "\(detail)"])
        return .unavailable
    }
}
#endif
