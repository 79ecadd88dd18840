import MacaroonTokens

/// The registry's word on token owners: a user's tokens work while the user
/// exists; a trusted publisher's while it is registered, for its projects.
struct RegistryOwnerPolicy: TokenOwnerPolicy {
    let registry: RegistryDatabase

    func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
        switch owner {
        case .user(let id):
            try await registry.user(id: id) == nil ? .disabled(reason: "the token's user no longer exists") : .active()
        case .trustedPublisher(let id):
            // A publisher's tokens work while it is registered, for its projects.
            if let publisher = try await registry.gitHubPublisher(id: id) {
                .active(projectIDs: Set(publisher.projectIDs))
            } else {
                .disabled(reason: "the token's trusted publisher is no longer registered")
            }
        }
    }
}
