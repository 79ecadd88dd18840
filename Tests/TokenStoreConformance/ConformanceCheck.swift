import MacaroonTokens
import Testing

/// One behaviour every ``TokenStore`` must have, runnable on any backend.
/// Failures are Swift Testing issues recorded in the calling test.
public struct ConformanceCheck: Sendable, CustomTestStringConvertible {
    /// What is checked, e.g. `ownership`.
    public let name: String
    private let body: @Sendable (any TokenStoreFixture) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any TokenStoreFixture) async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the check on fresh, empty storage.
    public func run(on fixture: some TokenStoreFixture) async throws {
        try await body(fixture)
    }

    /// The name.
    public var testDescription: String { name }

    /// Every check, for a parameterized test.
    public static let all: [ConformanceCheck] = [
        lifecycle, ownership, uniqueNames, invalidArguments, purge, usage,
        sealedKeys, keyRotation, sealingUnsealedRows,
        verifyWhileRevoke, concurrentMinting,
    ]
}

/// The shared parts of the checks.
enum Check {
    static let now: Int64 = 1_800_000_000
    static let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
    static let project = UploadRequest.Project(name: "sampleproject", id: "project-1")
    static let kek1 = try! KeyEncryptionKey(id: "kek-1", bytes: [UInt8](repeating: 0x11, count: 32))
    static let kek2 = try! KeyEncryptionKey(id: "kek-2", bytes: [UInt8](repeating: 0x22, count: 32))

    static func newToken(_ owner: TokenOwner = .user(id: "alice"), _ name: String = "ci", expires: Int64? = nil) -> NewToken {
        NewToken(owner: owner, name: name, expires: expires, location: "pypi.org")
    }

    static func verify(_ token: String, _ store: any TokenStore, at time: Int64 = now + 1) async throws -> StoredTokenVerdict {
        try await verifier.verify(token: token, request: UploadRequest(project: project, now: time), store: store, owners: ActiveOwners())
    }

    /// The error a store operation throws, or `nil`.
    static func storeError(_ body: () async throws -> Void) async -> TokenStoreError? {
        do {
            try await body()
            return nil
        } catch let error as TokenStoreError {
            return error
        } catch {
            Issue.record("expected a TokenStoreError, got \(error)")
            return nil
        }
    }
}

/// Every owner active; every publisher may publish `project-1`.
struct ActiveOwners: TokenOwnerPolicy {
    func status(of owner: TokenOwner) async -> TokenOwnerStatus {
        .active(projectIDs: [Check.project.id ?? ""])
    }
}
