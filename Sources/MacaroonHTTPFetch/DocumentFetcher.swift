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
    /// How long one fetch may take, connection and body included.
    public let timeout: TimeAmount

    /// A fetcher on `client` (by default the process-wide shared client).
    public init(client: HTTPClient = .shared, timeout: TimeAmount = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    public func fetch(_ url: String, maxBytes: Int) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
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
