#if PostgreSQL
import MacaroonTokens

/// Thrown by ``withDeadline(_:operation:)`` when the operation did not finish in time.
public struct DeadlineExceeded: Error, Sendable, CustomStringConvertible {
    /// The time the operation was given.
    public let timeout: Duration

    /// A deadline of `timeout` that passed.
    public init(timeout: Duration) {
        self.timeout = timeout
    }

    /// `the operation did not finish within <timeout>`.
    public var description: String { "the operation did not finish within \(timeout)" }
}

/// Runs `operation`, throwing ``DeadlineExceeded`` if it has not finished after `timeout`:
/// the bound the token store puts on each database operation, for other PostgreSQL work
/// of a server (e.g. its own tables) that must answer in bounded time too.
///
/// The caller is not kept waiting for an operation that ignores cancellation
/// (a query on a connection whose server stopped answering): the operation is
/// cancelled and left to finish on its own. Cancelling the caller cancels the
/// operation and throws `CancellationError` at once.
public func withDeadline<Value: Sendable>(
    _ timeout: Duration, operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let outcome = Locked<CheckedContinuation<Value, any Error>?>(nil)
    let work = Locked<[Task<Void, Never>]>([])
    @Sendable func finish(_ result: Result<Value, any Error>) {
        outcome.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.withLock { $0 = continuation }
            let operationTask = Locked<Task<Void, Never>?>(nil)
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                finish(.failure(DeadlineExceeded(timeout: timeout)))
                operationTask.withLock { $0 }?.cancel()
            }
            let task = Task {
                defer { timer.cancel() }
                do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
            }
            operationTask.withLock { $0 = task }
            work.withLock { $0 = [task, timer] }
        }
    } onCancel: {
        for task in work.withLock({ $0 }) { task.cancel() }
        finish(.failure(CancellationError()))
    }
}
#endif
