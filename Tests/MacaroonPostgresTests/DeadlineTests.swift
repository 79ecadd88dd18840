#if PostgreSQL
import MacaroonPostgres
import Testing

/// The public deadline helper, without a database: in time, too late (also when the operation
/// ignores cancellation), and a cancelled caller.
@Suite struct DeadlineTests {
    @Test func answersInTime() async throws {
        #expect(try await withDeadline(.seconds(10)) { 42 } == 42)
        await #expect(throws: CancellationError.self) {
            try await withDeadline(.seconds(10)) { throw CancellationError() }
        }
    }

    @Test func answersAtTheDeadlineEvenWhenTheOperationIgnoresCancellation() async throws {
        let start = ContinuousClock.now
        do {
            _ = try await withDeadline(.milliseconds(100)) {
                // Ignores cancellation, as a query on a stalled connection does; long enough that
                // a parallel test run starving the timer for seconds cannot make it finish first.
                let end = ContinuousClock.now + .seconds(30)
                while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(10)) }
                return 1
            }
            Issue.record("the operation's answer came first")
        } catch let error as DeadlineExceeded {
            #expect(error.timeout == .milliseconds(100))
            #expect(error.description == "the operation did not finish within 0.1 seconds")
        }
        #expect(ContinuousClock.now - start < .seconds(10), "answered after \(ContinuousClock.now - start)")
    }

    @Test func aCancelledCallerIsAnsweredAtOnce() async throws {
        let task = Task {
            try await withDeadline(.seconds(30)) {
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
#endif
