#if PostgreSQL
import MacaroonTokens

/// Thrown by ``withDeadline(_:operation:)`` when the operation did not finish in time.
struct DeadlineExceeded: Error {}

/// Runs `operation`, throwing ``DeadlineExceeded`` if it has not finished after `timeout`.
///
/// The caller is not kept waiting for an operation that ignores cancellation
/// (a query on a connection whose server stopped answering): the operation is
/// cancelled and left to finish on its own.
func withDeadline<Value: Sendable>(
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
                finish(.failure(DeadlineExceeded()))
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
