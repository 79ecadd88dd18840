import Macaroons
import MacaroonTokens

// Mints, stores and verifies one token with the core alone.
let store = InMemoryTokenStore()
let minted = try await store.mint(NewToken(owner: .user(id: "alice"), name: "check", location: "example.org"))

struct EveryoneActive: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus { .active() }
}

let verdict = try await UploadTokenVerifier(location: "example.org")
    .verify(token: minted.token, request: UploadRequest(), store: store, owners: EveryoneActive())
guard verdict.isAllowed else { fatalError("the core could not verify its own token: \(verdict.verdict.reasons)") }
print("core only: minted and verified a token for \(verdict.owner.map { "\($0)" } ?? "nobody")")
