#if TrustedPublishing
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import MacaroonHTTPFetch
import Testing

/// The real fetcher against a loopback server that answers slowly.
@Suite struct DocumentFetcherTests {
    @Test func aBodyTrickledForeverIsCutOffAtTheTimeout() async throws {
        // The head arrives at once, then one byte of the body every 100 ms (30 s in all):
        // no read timeout fires, and only a deadline over the whole fetch ends it. The
        // bound leaves room for a loaded CI machine while staying far below the 30 s.
        let server = try TricklingServer(contentLength: 300, interval: 0.1)
        let fetcher = AsyncHTTPDocumentFetcher(timeout: .milliseconds(500))
        let start = ContinuousClock.now
        await #expect(throws: DocumentFetchError.self) { try await fetcher.fetch(server.url, maxBytes: 1024) }
        #expect(ContinuousClock.now - start < .seconds(10), "the fetch took \(ContinuousClock.now - start)")
    }
}

/// A loopback HTTP server answering every request with a `200` head and then the body one byte at a time.
final class TricklingServer: @unchecked Sendable {
    let url: String
    private let socket: Int32

    init(contentLength: Int, interval: TimeInterval) throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw DocumentFetchError("the trickling server could not listen") }
        socket = listener
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/jwks"
        Thread.detachNewThread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = read(connection, &buffer, buffer.count)
                    let head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(contentLength)\r\n\r\n".utf8)
                    _ = send(connection, head, head.count, Int32(MSG_NOSIGNAL))
                    for _ in 0..<contentLength {
                        Thread.sleep(forTimeInterval: interval)
                        guard send(connection, [UInt8(ascii: " ")], 1, Int32(MSG_NOSIGNAL)) == 1 else { break }
                    }
                    close(connection)
                }
            }
        }
    }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }
}
#endif
