import MacaroonTokens

/// The registry's word on token owners: a user's tokens work while the user
/// exists. Trusted publishers are not configured on this server.
struct RegistryOwnerPolicy: TokenOwnerPolicy {
    let registry: RegistryDatabase

    func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
        switch owner {
        case .user(let id):
            try await registry.user(id: id) == nil ? .disabled(reason: "the token's user no longer exists") : .active()
        case .trustedPublisher:
            .disabled(reason: "trusted publishing is not enabled on this server")
        }
    }
}
