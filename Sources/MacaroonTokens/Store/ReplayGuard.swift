/// Remembers single-use identifiers, such as the `jti` of an OIDC ID token, so
/// that each is accepted once.
///
/// A separate protocol from ``TokenStore`` so that existing stores keep
/// compiling; the stores of this package implement both, in the same database,
/// so that every server instance sharing the store sees every claim.
public protocol ReplayGuard: Sendable {
    /// Claims `identifier` within `scope` (e.g. an OIDC issuer) until `expires`, Unix seconds.
    ///
    /// Returns `true` for the first claim and `false` for every later claim of the same
    /// identifier and scope while it is remembered, i.e. until `now` passes `expires`.
    /// Atomic: of concurrent claims, from however many servers share the store, one wins.
    ///
    /// - Throws: ``TokenStoreError/Code/invalidArgument`` for an empty or overlong (over
    ///   ``ReplayGuardLimits/maxLength`` bytes) identifier or scope; operational failures as usual.
    func claimOnce(_ identifier: String, scope: String, until expires: Int64, now: Int64) async throws(TokenStoreError) -> Bool
}

/// The bounds every ``ReplayGuard`` enforces on what it remembers.
public enum ReplayGuardLimits {
    /// The longest identifier or scope, in bytes.
    public static let maxLength = 255

    /// Throws ``TokenStoreError/Code/invalidArgument`` unless both are 1 to ``maxLength`` bytes without U+0000
    /// (which PostgreSQL's text cannot hold: refused by every backend alike).
    package static func validate(identifier: String, scope: String) throws(TokenStoreError) {
        for (name, value) in [("identifier", identifier), ("scope", scope)] {
            guard !value.utf8.isEmpty, value.utf8.count <= maxLength, !value.utf8.contains(0) else {
                throw TokenStoreError(.invalidArgument, detail: "a replay-guard \(name) must be 1 to \(maxLength) bytes, without NUL")
            }
        }
    }
}
