#if LeakReports
import Macaroons
import MacaroonTokens

/// Revokes the reported tokens that are ours.
///
/// An entry is acted on when its `type` is one of ours, its token parses with our
/// prefix, a stored token has its identifier, and its signature verifies with that
/// token's root key (so a made-up token can revoke nothing). Then the stored
/// token is deleted, which revokes it and every copy restricted from it, and the
/// hook is called. Anything else is ignored, as Warehouse ignores it.
public struct LeakReportProcessor: Sendable {
    /// The outcome of one report.
    public struct Outcome: Sendable {
        /// The tokens revoked.
        public var revoked: [TokenInfo] = []
        /// Entries not acted on: another type, not our token, unknown, already revoked, or forged.
        public var ignored = 0
    }

    /// The tokens.
    public let store: any TokenStore
    /// Our tokens' prefix.
    public let prefix: String
    /// The `type`s that name our tokens (PyPI: `pypi_api_token`).
    public let types: Set<String>
    /// Who sends the reports, for the events.
    public let reporter: String
    /// Called for each revoked token.
    public let hook: any LeakedTokenHook

    /// A processor.
    public init(
        store: any TokenStore, prefix: String = "pypi", types: Set<String> = ["pypi_api_token"], reporter: String = "GitHub",
        hook: any LeakedTokenHook
    ) {
        self.store = store
        self.prefix = prefix
        self.types = types
        self.reporter = reporter
        self.hook = hook
    }

    /// Acts on every entry.
    ///
    /// - Throws: the store's operational failures (answer 503: the reporter retries,
    ///   and entries already revoked are then ignored).
    public func process(_ entries: [LeakReport], now: Int64) async throws -> Outcome {
        var outcome = Outcome()
        for entry in entries {
            guard types.contains(entry.type), let token = try? ServiceToken(parsing: entry.token, expectedPrefix: prefix),
                  let identifier = token.identifier, let record = try await store.token(id: identifier),
                  (try? token.macaroon.verifySignature(key: record.rootKey)) != nil
            else {
                outcome.ignored += 1
                continue
            }
            do {
                try await store.delete(id: identifier, ownedBy: record.owner)
            } catch {
                if error.isOperational { throw error }
                // Revoked meanwhile (e.g. the same token twice in one report).
                outcome.ignored += 1
                continue
            }
            outcome.revoked.append(record.info)
            await hook.tokenRevoked(
                LeakedTokenEvent(
                    token: record.info, url: entry.url, source: entry.source, type: entry.type, reporter: reporter, revokedAt: now))
        }
        return outcome
    }
}
#endif
