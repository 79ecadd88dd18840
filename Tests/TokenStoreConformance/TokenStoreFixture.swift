import MacaroonTokens

/// One backend under test: fresh, empty storage that stores can be opened on.
///
/// A backend's test target makes a new fixture per check and runs every
/// ``ConformanceCheck`` on it:
///
/// ```swift
/// @Test(arguments: ConformanceCheck.all)
/// func conformance(_ check: ConformanceCheck) async throws {
///     try await check.run(on: SQLiteFixture())
/// }
/// ```
public protocol TokenStoreFixture: Sendable {
    /// Opens a store on this fixture's storage (the same storage at every call), with these keys,
    /// as a server restarted with a new configuration would.
    func open(keyRing: KeyRing) async throws -> any TokenStore

    /// Every stored byte, as someone holding a copy of the database would see it
    /// (the database file and its journal, or a dump of the table).
    func rawStorage() async throws -> [UInt8]

    /// Whether the stores it opens keep a lookup cache, so that a token looked up is then
    /// answered from memory (``TokenStore/cachedToken(id:)``).
    var cachesLookups: Bool { get }
}

extension TokenStoreFixture {
    /// No lookup cache.
    public var cachesLookups: Bool { false }
}

/// The in-memory store as a fixture.
public struct InMemoryFixture: TokenStoreFixture {
    private let base = InMemoryTokenStore()

    /// Empty storage.
    public init() {}

    public func open(keyRing: KeyRing) -> any TokenStore {
        base.reopened(keyRing: keyRing)
    }

    public func rawStorage() -> [UInt8] {
        var bytes: [UInt8] = []
        for row in base.rawRows() {
            for text in [row.id, row.userID ?? "", row.publisherID ?? "", row.name, row.caveats, row.additional ?? "", row.keyID ?? ""] {
                bytes += text.utf8
            }
            bytes += row.rootKey
        }
        return bytes
    }
}
