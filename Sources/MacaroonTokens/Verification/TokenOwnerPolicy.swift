/// The server's word on a token's owner at verification time: the hook where
/// a server refuses tokens of disabled accounts (Warehouse: frozen users) and
/// says which projects a trusted publisher may publish.
///
/// Throw for operational failures (the verifier passes them on: 503).
public protocol TokenOwnerPolicy: Sendable {
    /// Whether `owner` may use its tokens now.
    func status(of owner: TokenOwner) async throws -> TokenOwnerStatus

    /// What ``status(of:)`` would answer now, when the policy holds it in memory; `nil` when only
    /// ``status(of:)`` can say, by waiting. Servers call it first on every request, so that a
    /// cached answer costs no asynchronous call. The default answers `nil`.
    func cachedStatus(of owner: TokenOwner) -> TokenOwnerStatus?
}

extension TokenOwnerPolicy {
    /// `nil`: ask ``status(of:)``.
    public func cachedStatus(of owner: TokenOwner) -> TokenOwnerStatus? { nil }
}

/// What a ``TokenOwnerPolicy`` answers.
public enum TokenOwnerStatus: Sendable, Hashable {
    /// The owner may use its tokens. For a trusted publisher, `projectIDs` are the
    /// projects it may publish (checked by ``TrustedPublisherCaveat``); ignored for users.
    case active(projectIDs: Set<String> = [])
    /// The owner may not use its tokens (a frozen or deleted account), with a reason for the user.
    case disabled(reason: String)
}
