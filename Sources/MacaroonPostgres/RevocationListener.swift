#if PostgreSQL
import MacaroonTokens
import PostgresNIO

/// Listens on ``PostgresMigrations/revocationChannel`` with a connection of
/// its own and invalidates the ``LookupCache``: one token per notification,
/// every token for `*`, and the whole cache whenever the connection is lost
/// (the cache does not serve until the listener is back).
struct RevocationListener: Sendable {
    let client: PostgresClient
    let cache: LookupCache
    let heartbeat: Duration
    let logger: Logger

    /// Listens, reconnecting with a backoff of up to 2 seconds, until cancelled.
    func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresMigrations.revocationChannel) { notifications in
                        cache.startServing()
                        if failures > 0 { logger.info("token store: revocation listener connected again; lookup cache serving") }
                        failures = 0
                        try await listen(notifications, connection: connection)
                    }
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("token store: revocation listener lost its connection (\(type(of: error))); lookup cache flushed and off until it is back")
                }
            }
            cache.stopServing()
            failures += 1
            try? await Task.sleep(for: .milliseconds(100 * (1 << min(failures - 1, 4))))
        }
        cache.stopServing()
    }

    /// Applies notifications while checking the connection every ``heartbeat``; throws when either stops.
    private func listen(_ notifications: PostgresNotificationSequence, connection: PostgresConnection) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await notification in notifications {
                    if notification.payload == "*" { cache.invalidateAll() } else { cache.invalidate(notification.payload) }
                }
                throw ListenerEnded()
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: heartbeat)
                    do {
                        try await withDeadline(heartbeat) {
                            for try await _ in try await connection.query("SELECT 1", logger: logger) {}
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private struct ListenerEnded: Error {}
}
#endif
