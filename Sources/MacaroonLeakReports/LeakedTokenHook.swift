#if LeakReports
import MacaroonTokens

/// A token revoked because it was reported leaked: what a server records and tells the owner.
public struct LeakedTokenEvent: Sendable, Hashable {
    /// The revoked token (never its text or key).
    public let token: TokenInfo
    /// Where it was found, as reported (a public URL).
    public let url: String
    /// Where the reporter scanned, if said.
    public let source: String?
    /// The reporter's pattern name.
    public let type: String
    /// Who reported it, e.g. `GitHub`.
    public let reporter: String
    /// When it was revoked, Unix seconds.
    public let revokedAt: Int64
}

/// What a server does after revoking a leaked token: record why and where
/// (Warehouse: an `APITokenRemovedLeak` event) and tell the owner (Warehouse: an email).
public protocol LeakedTokenHook: Sendable {
    /// Called once per revoked token, after the revocation is committed.
    func tokenRevoked(_ event: LeakedTokenEvent) async
}
#endif
