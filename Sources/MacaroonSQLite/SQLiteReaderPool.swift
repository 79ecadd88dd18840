#if SQLite
import MacaroonTokens

/// The read connections of a ``SQLiteTokenStore``: a lookup or listing borrows one
/// ``SQLiteReader`` and runs on the calling thread; no queue, no thread hop, no
/// per-read statement beyond the query itself.
///
/// Readers are opened on demand and kept, idle ones reused most-recent first, up to
/// `maximumCount`. A caller that finds all of them lent out never waits: it opens a
/// transient reader for its one read and closes it afterwards, so no thread blocks on
/// another's read, and the connections kept open stay bounded (the transient ones are
/// bounded by the number of threads reading at once).
///
/// ``close()`` closes the idle readers at once and each lent one when it comes back;
/// every read after it fails with ``TokenStoreError/Code/unavailable``.
package final class SQLiteReaderPool: Sendable {
    private struct State {
        /// Readers kept open and not lent out, the most recently returned last.
        var idle: [SQLiteReader] = []
        /// Readers kept open, idle or lent out.
        var count = 0
        var isClosed = false
    }

    /// What a borrower was given.
    private enum Lease {
        /// An idle reader kept by the pool.
        case idle(SQLiteReader)
        /// A place among the kept readers, for one the borrower opens.
        case openKept
        /// No place: the borrower opens a reader for its one read.
        case openTransient
        case closed
    }

    private let path: String
    private let busyTimeout: Duration
    private let maximumCount: Int
    /// Under the package's one lock type (`Locked`, pthreads; `Mutex` would need macOS 15).
    private let state = Locked(State())

    /// Readers on the file at `path`, at most `maximumCount` kept open (at least one).
    package init(path: String, busyTimeout: Duration, maximumCount: Int) {
        self.path = path
        self.busyTimeout = busyTimeout
        self.maximumCount = max(1, maximumCount)
    }

    /// Runs `body` on a reader lent to this call alone, on the calling thread.
    ///
    /// - Throws: ``TokenStoreError/Code/unavailable`` once the pool is closed; the `DatabaseError`
    ///   of a reader that cannot be opened; what `body` throws.
    package func withReader<T>(_ body: (SQLiteReader) throws -> T) throws -> T {
        let lease = state.withLock { state -> Lease in
            if state.isClosed { return .closed }
            if let reader = state.idle.popLast() { return .idle(reader) }
            guard state.count < maximumCount else { return .openTransient }
            state.count += 1
            return .openKept
        }
        switch lease {
        case .closed:
            throw TokenStoreError(.unavailable, detail: "\(path): the token store is closed")
        case .idle(let reader):
            defer { giveBack(reader) }
            return try body(reader)
        case .openKept:
            let reader: SQLiteReader
            do {
                reader = try SQLiteReader(path: path, busyTimeout: busyTimeout)
            } catch {
                state.withLock { $0.count -= 1 }
                throw error
            }
            defer { giveBack(reader) }
            return try body(reader)
        case .openTransient:
            // Released, and so closed, when this returns.
            return try body(try SQLiteReader(path: path, busyTimeout: busyTimeout))
        }
    }

    /// Closes the idle readers now, and each lent one as it is given back.
    package func close() {
        let closing = state.withLock { state -> [SQLiteReader] in
            state.isClosed = true
            state.count -= state.idle.count
            var idle: [SQLiteReader] = []
            swap(&idle, &state.idle)
            return idle
        }
        _ = consume closing  // released outside the lock: each reader closes its connection
    }

    /// How many readers are kept open now, idle or lent out (transient ones not counted).
    package var keptCount: Int { state.withLock { $0.count } }

    /// Keeps a kept reader for the next borrower; once the pool is closed, lets it go
    /// (the caller's reference is the last, released outside the lock).
    private func giveBack(_ reader: SQLiteReader) {
        state.withLock { state in
            if state.isClosed {
                state.count -= 1
            } else {
                state.idle.append(reader)
            }
        }
    }
}
#endif
