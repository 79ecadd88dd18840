import Synchronization

/// Runs `operation` (a registry query), throwing ``RegistryError/unavailable(_:)`` when it has
/// not finished after `timeout`, so that a database that stops answering is a 503 in bounded
/// time, never a request that hangs (as the token store bounds its own operations).
///
/// A query on a connection whose server stopped answering ignores cancellation: the caller is
/// answered at the deadline, and the query is cancelled and left to finish on its own.
func withQueryDeadline<Value: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let answer = FirstAnswer<Value>()
    return try await withCheckedThrowingContinuation { continuation in
        answer.set(continuation)
        let query = Task {
            do { answer.finish(.success(try await operation())) } catch { answer.finish(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: timeout)
            answer.finish(.failure(RegistryError.unavailable("the database did not answer within \(timeout)")))
            query.cancel()
        }
    }
}

/// Resumes a continuation with the first result given; later ones are dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let waiting = Mutex<CheckedContinuation<Value, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<Value, any Error>) {
        waiting.withLock { $0 = continuation }
    }

    func finish(_ result: Result<Value, any Error>) {
        waiting.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
}
