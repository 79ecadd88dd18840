#if PostgreSQL
import MacaroonTokens

/// What the PostgreSQL tests mint and verify.
enum TestTokens {
    static let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    static let alice = TokenOwner.user(id: "alice")

    static func new(_ name: String, owner: TokenOwner = alice) -> NewToken {
        NewToken(owner: owner, name: name, location: "pypi.org")
    }

    /// Verifies an upload of `sampleproject` with `token` against `store`.
    static func verify(_ token: String, _ store: some TokenStore) async throws -> StoredTokenVerdict {
        try await verifier.verify(
            token: token, request: UploadRequest(project: UploadRequest.Project(name: "sampleproject", id: "project-1")),
            store: store, owners: EveryOwnerActive())
    }
}

/// A server policy with every owner active.
struct EveryOwnerActive: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active(projectIDs: ["project-1"]) }
}
#endif
