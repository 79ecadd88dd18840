import _MacaroonInternals

/// A ``TokenStore`` in memory, for tests, examples and small tools.
///
/// It keeps rows exactly as the database backends do (root keys sealed under
/// its ``KeyRing``), behind a lock; every operation is atomic.
/// ``reopened(keyRing:)`` gives a store over the same rows with other keys,
/// as restarting a server with a new configuration would.
public final class InMemoryTokenStore: TokenStore, CustomReflectable {
    private struct State {
        /// By identifier. Only ASCII identifiers are looked up (the store mints UUIDs): `String`'s
        /// `==` and hashing apply canonical equivalence to other text, where databases compare bytes.
        var rows: [String: StoredTokenRow] = [:]
        /// Owner and name of every row, for the uniqueness of names per owner.
        var names: Set<OwnerName> = []
        /// Claimed one-time identifiers (``ReplayGuard``) and when each may be forgotten.
        var claimed: [ClaimedIdentifier: Int64] = [:]
    }

    private struct ClaimedIdentifier: Hashable {
        let scope: String
        let identifier: String
    }

    private struct OwnerName: Hashable {
        let owner: TokenOwner
        let name: String
    }

    private let state: Locked<State>
    /// The keys that seal and open root keys.
    public let keyRing: KeyRing

    /// An empty store. Without a key-encryption key, `warn` is called once with ``KeyRing/unsealedWarning``.
    public init(keyRing: KeyRing = .unsealed, warn: (@Sendable (String) -> Void)? = nil) {
        self.state = Locked(State())
        self.keyRing = keyRing
        if !keyRing.sealsKeys { warn?(KeyRing.unsealedWarning) }
    }

    private init(state: Locked<State>, keyRing: KeyRing) {
        self.state = state
        self.keyRing = keyRing
    }

    /// A store over the same rows with another key ring.
    public func reopened(keyRing: KeyRing) -> InMemoryTokenStore {
        InMemoryTokenStore(state: state, keyRing: keyRing)
    }

    public func mint(_ token: NewToken, now: Int64) async throws(TokenStoreError) -> MintedStoredToken {
        let (row, minted) = try StoredTokenRow.mint(token, now: now, keyRing: keyRing)
        try state.withLock { (state) throws(TokenStoreError) in
            guard state.names.insert(OwnerName(owner: token.owner, name: token.name)).inserted else {
                throw TokenStoreError.duplicateName(token.name, owner: token.owner)
            }
            state.rows[row.id] = row
        }
        return minted
    }

    public func token(id: String) async throws(TokenStoreError) -> TokenRecord? {
        guard UTF8Text.isASCII(id) else { return nil }
        return try state.withLock { $0.rows[id] }?.record(keyRing: keyRing)
    }

    public func tokens(ownedBy owner: TokenOwner) async throws(TokenStoreError) -> [TokenInfo] {
        let rows = state.withLock { state in
            state.rows.values.filter { $0.userID == owner.userID && $0.publisherID == owner.publisherID }
        }
        var infos: [TokenInfo] = []
        for row in rows.sorted(by: { ($0.created, $0.id) < ($1.created, $1.id) }) {
            infos.append(try row.info())
        }
        return infos
    }

    public func delete(id: String, ownedBy owner: TokenOwner) async throws(TokenStoreError) {
        try state.withLock { (state) throws(TokenStoreError) in
            guard UTF8Text.isASCII(id), let row = state.rows[id], row.userID == owner.userID, row.publisherID == owner.publisherID else {
                throw TokenStoreError.notFound(id: id, owner: owner)
            }
            state.rows[id] = nil
            state.names.remove(OwnerName(owner: owner, name: row.name))
        }
    }

    public func deleteAll(ownedBy owner: TokenOwner) async -> Int {
        state.withLock { state in
            let ids = state.rows.values.filter { $0.userID == owner.userID && $0.publisherID == owner.publisherID }.map(\.id)
            for id in ids {
                if let row = state.rows.removeValue(forKey: id) { state.names.remove(OwnerName(owner: owner, name: row.name)) }
            }
            return ids.count
        }
    }

    public func purgeExpired(now: Int64) async -> Int {
        state.withLock { state in
            let expired = state.rows.values.filter { $0.expires.map { $0 <= now } ?? false }
            for row in expired {
                state.rows[row.id] = nil
                if let owner = TokenOwner(userID: row.userID, publisherID: row.publisherID) {
                    state.names.remove(OwnerName(owner: owner, name: row.name))
                }
            }
            return expired.count
        }
    }

    public func recordUse(_ lastUsed: [String: Int64]) async {
        state.withLock { state in
            for (id, time) in lastUsed {
                guard UTF8Text.isASCII(id), var row = state.rows[id] else { continue }
                row.lastUsed = max(row.lastUsed ?? time, time)
                state.rows[id] = row
            }
        }
    }

    public func rewrap() async throws(TokenStoreError) -> Int {
        guard keyRing.sealsKeys else { return 0 }
        // Read, re-seal outside the lock, then write back rows that are unchanged meanwhile.
        let rows = state.withLock { Array($0.rows.values) }
        var rewrapped: [StoredTokenRow] = []
        for row in rows {
            if let new = try row.rewrapped(keyRing: keyRing) { rewrapped.append(new) }
        }
        return state.withLock { state in
            var count = 0
            for row in rewrapped {
                guard var current = state.rows[row.id] else { continue }
                current.keyID = row.keyID
                current.rootKey = row.rootKey
                state.rows[row.id] = current
                count += 1
            }
            return count
        }
    }

    /// The key ring's ids only; never the rows.
    public var customMirror: Mirror { Mirror(self, children: ["keyRing": keyRing.description], displayStyle: .class) }

    /// Every row as stored, for the conformance suite's look at raw storage.
    package func rawRows() -> [StoredTokenRow] {
        state.withLock { Array($0.rows.values) }
    }
}

extension InMemoryTokenStore: ReplayGuard {
    public func claimOnce(_ identifier: String, scope: String, until expires: Int64, now: Int64) async throws(TokenStoreError) -> Bool {
        try ReplayGuardLimits.validate(identifier: identifier, scope: scope)
        let key = ClaimedIdentifier(scope: scope, identifier: identifier)
        return state.withLock { state in
            if let remembered = state.claimed[key], remembered >= now { return false }
            // Forget expired claims now and then, so memory stays bounded by the live ones.
            if state.claimed.count >= 1024, state.claimed.count.isMultiple(of: 1024) {
                state.claimed = state.claimed.filter { $0.value >= now }
            }
            state.claimed[key] = expires
            return true
        }
    }
}
