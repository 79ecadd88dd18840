import Logging
import MacaroonTokens
import Testing
@testable import UploadRegistry

/// The registry's owner policy: what it answers from memory, and for how long.
struct RegistryOwnerPolicyTests {
    @Test func aUserFoundIsAnsweredFromMemoryForItsTimeToLiveOnly() async throws {
        let work = try TemporaryDirectory()
        try await RegistryStore.withStore(.sqlite(path: work.path + "/registry.sqlite"), keyRing: try KeyRing(current: nil), logger: Logger(label: "test")) { store in
            let user = try await store.registry.addUser(name: "policy-user")
            let policy = RegistryOwnerPolicy(registry: store.registry, timeToLive: .seconds(60))
            let owner = TokenOwner.user(id: user.id)
            #expect(policy.cachedStatus(of: owner) == nil, "not asked yet")
            #expect(try await policy.status(of: owner) == .active())
            #expect(policy.cachedStatus(of: owner) == .active())
            #expect(policy.cachedStatus(of: .user(id: "someone-else")) == nil)
            #expect(policy.cachedStatus(of: .trustedPublisher(id: user.id)) == nil, "publishers are asked on every request")

            let brief = RegistryOwnerPolicy(registry: store.registry, timeToLive: .milliseconds(100))
            #expect(try await brief.status(of: owner) == .active())
            try await Task.sleep(for: .milliseconds(200))
            #expect(brief.cachedStatus(of: owner) == nil, "forgotten after its time to live")

            let missing = TokenOwner.user(id: "no-such-user")
            #expect(try await policy.status(of: missing) == .disabled(reason: "the token's user no longer exists"))
            #expect(policy.cachedStatus(of: missing) == nil, "a user not found is asked again")
        }
    }
}
