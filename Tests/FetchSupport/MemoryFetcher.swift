#if TrustedPublishing || LeakReports
import Foundation
import MacaroonHTTPFetch

/// A ``DocumentFetcher`` serving documents from memory and counting the fetches.
public final class MemoryFetcher: DocumentFetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var documents: [String: [UInt8]]
    private var counts: [String: Int] = [:]

    /// Serves `documents`, by URL.
    public init(_ documents: [String: [UInt8]]) {
        self.documents = documents
    }

    /// Serves `bytes` at `url` from now on; `nil` makes it answer 404.
    public func set(_ url: String, _ bytes: [UInt8]?) {
        lock.withLock { documents[url] = bytes }
    }

    /// How many times `url` was fetched.
    public func count(_ url: String) -> Int {
        lock.withLock { counts[url, default: 0] }
    }

    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        try lock.withLock {
            counts[url, default: 0] += 1
            guard let bytes = documents[url] else { throw DocumentFetchError("GET \(url) answered 404") }
            guard bytes.count <= maxBytes else { throw DocumentFetchError("GET \(url): longer than \(maxBytes) bytes") }
            return bytes
        }
    }
}
#endif
