#if PostgreSQL
import MacaroonTokens
import PostgresNIO

extension TokenStoreError {
    /// The store's error for anything thrown while talking to PostgreSQL.
    ///
    /// A ``TokenStoreError`` passes through (also from inside a transaction); a
    /// unique violation is the request's fault (``Code/duplicateName``); every
    /// other failure (connection refused or lost, timeout, pool closed, any other
    /// server error) is operational: ``Code/unavailable``. The detail names the
    /// kind of failure and the SQLSTATE only, never the query, its values or the
    /// server's message (which can quote them).
    init(postgres error: any Error, during operation: String) {
        switch error {
        case let error as TokenStoreError:
            self = error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError {
                self.init(postgres: inner, during: operation)
            } else {
                self.init(.unavailable, detail: "PostgreSQL failed during \(operation)")
            }
        case let error as PSQLError:
            let state = error.serverInfo?[.sqlState]
            if state == Self.uniqueViolation {
                self.init(.duplicateName, detail: "the owner already has a token with this name")
            } else if let state {
                self.init(.unavailable, detail: "PostgreSQL refused \(operation) (SQLSTATE \(state))")
            } else {
                self.init(.unavailable, detail: "PostgreSQL failed during \(operation) (\(error.code))")
            }
        case is DeadlineExceeded:
            self.init(.unavailable, detail: "PostgreSQL did not answer \(operation) in time")
        case is CancellationError:
            self.init(.unavailable, detail: "\(operation) was cancelled")
        default:
            self.init(.unavailable, detail: "PostgreSQL failed during \(operation) (\(type(of: error)))")
        }
    }

    /// SQLSTATE `unique_violation`.
    static let uniqueViolation = "23505"
}
#endif
