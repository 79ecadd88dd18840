/// Records when tokens are used without ever slowing a verification:
/// ``record(id:at:)`` only notes the time in memory, and ``run(every:onError:)``
/// (a task the server runs for its lifetime) writes the notes in batches with
/// ``TokenStore/recordUse(_:)``.
///
/// A lost update of `last_used` is acceptable; a blocked upload is not. So a
/// batch whose write fails is dropped (and reported), and when more than
/// ``capacity`` distinct tokens wait, further uses are dropped until the next write.
public final class TokenUsageRecorder: Sendable {
    private struct Pending {
        var lastUsed: [String: Int64] = [:]
        var dropped = 0
    }

    private let pending = Locked(Pending())
    private let store: any TokenStore
    /// The most distinct tokens held between two writes.
    public let capacity: Int

    /// A recorder writing to `store`.
    public init(store: any TokenStore, capacity: Int = 100_000) {
        self.store = store
        self.capacity = max(1, capacity)
    }

    /// Notes that token `id` was used at `time` (Unix seconds). Never suspends, never does I/O.
    public func record(id: String, at time: Int64) {
        pending.withLock { pending in
            if let previous = pending.lastUsed[id] {
                if time > previous { pending.lastUsed[id] = time }
            } else if pending.lastUsed.count < capacity {
                pending.lastUsed[id] = time
            } else {
                pending.dropped += 1
            }
        }
    }

    /// The number of distinct tokens waiting to be written.
    public var pendingCount: Int { pending.withLock { $0.lastUsed.count } }

    /// Writes what is pending in one batch; returns how many tokens it updated.
    /// On failure the batch is dropped (lost updates are acceptable) and the error thrown.
    @discardableResult
    public func flush() async throws(TokenStoreError) -> Int {
        let batch = pending.withLock { pending in
            defer { pending = Pending() }
            return pending.lastUsed
        }
        guard !batch.isEmpty else { return 0 }
        try await store.recordUse(batch)
        return batch.count
    }

    /// Writes pending uses every `interval` until the task is cancelled, then once more.
    /// Failures are passed to `onError` (log them) and do not stop the loop.
    @available(macOS 13, iOS 16, tvOS 16, watchOS 9, *)
    public func run(every interval: Duration = .seconds(5), onError: @Sendable (TokenStoreError) -> Void = { _ in }) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { try await flush() } catch { onError(error) }
        }
    }
}
