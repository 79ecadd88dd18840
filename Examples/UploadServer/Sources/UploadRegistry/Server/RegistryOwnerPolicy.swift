import MacaroonTokens
import Synchronization

/// The registry's word on token owners: a user's tokens work while the user
/// exists; a trusted publisher's while it is registered, for its projects.
///
/// Users found are remembered for ``timeToLive`` (as long as the PostgreSQL
/// store caches a token), so that a verification does not query the registry
/// database every time; a user not found is asked again on every request.
final class RegistryOwnerPolicy: TokenOwnerPolicy {
    let registry: RegistryDatabase
    /// How long a user found stays trusted without asking the database again.
    let timeToLive: Duration
    /// The most users remembered; the memory is cleared when it is full.
    let capacity: Int
    private let known = Mutex<[String: ContinuousClock.Instant]>([:])

    init(registry: RegistryDatabase, timeToLive: Duration = .seconds(5), capacity: Int = 10_000) {
        self.registry = registry
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// `.active()` for a user found less than ``timeToLive`` ago; otherwise `nil`.
    func cachedStatus(of owner: TokenOwner) -> TokenOwnerStatus? {
        guard case .user(let id) = owner, let until = known.withLock({ $0[id] }), ContinuousClock.now < until else { return nil }
        return .active()
    }

    func status(of owner: TokenOwner) async throws -> TokenOwnerStatus {
        switch owner {
        case .user(let id):
            if let status = cachedStatus(of: owner) { return status }
            let now = ContinuousClock.now
            guard try await registry.user(id: id) != nil else { return .disabled(reason: "the token's user no longer exists") }
            known.withLock { known in
                if known.count >= capacity { known.removeAll(keepingCapacity: true) }
                known[id] = now.advanced(by: timeToLive)
            }
            return .active()
        case .trustedPublisher(let id):
            // Asked on every request: a publisher removed, or given another project, counts at once.
            guard let publisher = try await registry.gitHubPublisher(id: id) else {
                return .disabled(reason: "the token's trusted publisher is no longer registered")
            }
            return .active(projectIDs: Set(publisher.projectIDs))
        }
    }
}
