import MacaroonTokens

/// Mints tokens for the registry's users, as PyPI does: account-wide, or
/// scoped to projects the user owns (with both their names and their ids).
/// The one place that decides what a token carries; the `tokens create`
/// command and the JSON API both use it.
public struct TokenIssuer: Sendable {
    /// The location written into every token (and checked by the verifier).
    public static let location = "upload-server"

    let store: RegistryStore

    /// An issuer minting into `store`.
    public init(store: RegistryStore) {
        self.store = store
    }

    /// Mints a token for `user`, restricted to `projects` (each must exist and be
    /// owned by the user) and expiring after `ttl` seconds if given.
    ///
    /// `expiresNoLaterThan` is the expiry of the token that asks for this one (the JSON API):
    /// a token never creates one that outlives it.
    ///
    /// - Throws: ``RegistryError/notFound(_:)``/``RegistryError/invalid(_:)`` for projects the user
    ///   may not scope a token to, or an expiry after `expiresNoLaterThan`; the store's
    ///   ``TokenStoreError`` (e.g. a duplicate name).
    public func mint(
        for user: RegistryUser, name: String?, projects: [String], ttl: Int64?, expiresNoLaterThan limit: Int64? = nil
    ) async throws -> MintedStoredToken {
        let now = Clock.now()
        let expires = ttl.map { now + $0 }
        if let limit, expires.map({ $0 > limit }) ?? true {
            throw RegistryError.invalid(
                "a token that expires at \(Clock.format(limit)) cannot create a token that outlives it: give a ttl of at most \(max(0, limit - now))s")
        }
        var names: [String] = []
        var ids: [String] = []
        for projectName in projects {
            // A name no project can have is not looked up (PostgreSQL refuses some bytes, e.g. U+0000, as an error).
            guard RegistryDatabase.isValidProjectName(projectName),
                  let project = try await store.registry.project(named: projectName), project.ownerID == user.id else {
                // The same answer whether the project is someone else's or does not exist.
                throw RegistryError.notFound(
                    "the user '\(user.name)' owns no project '\(RegistryDatabase.printable(projectName))' "
                        + "(a project is created by its first upload, with an account-wide token)")
            }
            if !ids.contains(project.id) {
                names.append(project.normalizedName)
                ids.append(project.id)
            }
        }
        var caveats: [any TaggedUploadCaveat] = []
        if !ids.isEmpty {
            caveats.append(try ProjectNamesCaveat(names))
            caveats.append(try ProjectIDsCaveat(ids))
        }
        let token = NewToken(
            owner: .user(id: user.id), name: name ?? Self.defaultName(now: now), caveats: caveats,
            expires: expires, prefix: "pypi", location: Self.location)
        return try await store.tokens.mint(token, now: now)
    }

    private static func defaultName(now: Int64) -> String {
        "token \(Clock.format(now)) \(UInt32.random(in: 0...UInt32.max))"
    }
}
