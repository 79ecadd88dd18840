#if TrustedPublishing || LeakReports
import AsyncHTTPClient
import NIOCore

/// Fetches a small document (a JWKS, an OpenID configuration, a list of public
/// keys) over HTTP(S): one GET, a timeout, a bound on the body, `200` only.
///
/// The products fetch through this protocol so tests and servers can supply
/// their own; ``AsyncHTTPDocumentFetcher`` is the real one.
public protocol DocumentFetcher: Sendable {
    /// The body of a `200` answer to `GET url`, at most `maxBytes` long.
    ///
    /// - Throws: ``DocumentFetchError`` for a failed connection, a timeout, another
    ///   status or a longer body.
    func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8]
}

/// Why a document could not be fetched. The message names the URL, never a secret.
public struct DocumentFetchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for logs.
    public let message: String

    /// An error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// A ``DocumentFetcher`` on async-http-client.
public struct AsyncHTTPDocumentFetcher: DocumentFetcher {
    /// The client (owned by the caller, who shuts it down).
    public let client: HTTPClient
    /// How long one fetch may take, from the connection to the last byte of the body.
    public let timeout: Duration

    /// A fetcher on `client` (by default the process-wide shared client).
    public init(client: HTTPClient = .shared, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// The body, or ``DocumentFetchError`` once ``timeout`` has passed. async-http-client's
    /// own deadline ends with the response head, and its read timeout restarts with every
    /// byte: a server trickling its body would otherwise hold the fetch (and every
    /// request waiting for these keys) for as long as it likes.
    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        let (client, timeout) = (self.client, self.timeout)
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { try await Self.get(url, maxBytes: maxBytes, client: client, timeout: timeout) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw DocumentFetchError("GET \(url) took longer than \(timeout)")
            }
            return body
        }
    }

    private static func get(_ url: String, maxBytes: Int, client: HTTPClient, timeout: Duration) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            let (seconds, attoseconds) = timeout.components
            response = try await client.execute(request, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        } catch {
            throw DocumentFetchError("GET \(url) failed: \(error)")
        }
        guard response.status == .ok else {
            throw DocumentFetchError("GET \(url) answered \(response.status.code)")
        }
        do {
            let body = try await response.body.collect(upTo: maxBytes)
            return Array(body.readableBytesView)
        } catch {
            throw DocumentFetchError("GET \(url): the body is unreadable or longer than \(maxBytes) bytes")
        }
    }
}
#endif
