import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Raw HTTP requests to a test server, for what the Python clients never send.
enum HTTPClient {
    /// An answer: status, reason phrase (as far as Foundation reports it) and body.
    struct Answer: CustomStringConvertible {
        let status: Int
        let body: String
        var description: String { "\(status) \(body)" }
    }

    /// Sends one request; `token` goes in a `Bearer` header.
    static func send(
        _ method: String, _ url: String, token: String? = nil, json: String? = nil, body: Data? = nil,
        headers: [String: String] = [:], timeout: TimeInterval = 30
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        if let body { request.httpBody = body }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: (data ?? Data(), response!)) }
            }.resume()
        }
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    /// A legacy upload (`POST /legacy/`) of `content` as `filename`, with its true SHA-256 digest or `sha256`.
    static func upload(
        _ server: String, token: String, name: String, version: String, filename: String, content: Data = Data("x".utf8),
        sha256: String? = nil
    ) async throws -> Answer {
        let boundary = UUID().uuidString
        var body = Data()
        let fields = [":action": "file_upload", "protocol_version": "1", "name": name, "version": version, "filetype": "sdist",
                      "metadata_version": "2.1", "sha256_digest": sha256 ?? sha256Hex(content)]
        for (key, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"content\"; filename=\"\(filename)\"\r\n\r\n".utf8))
        body.append(content)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send(
            "POST", server + "/legacy/", token: token, body: body,
            headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
    }

    /// SHA-256 in lowercase hexadecimal, by `sha256sum`.
    static func sha256Hex(_ data: Data) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try? Programs.run("/usr/bin/sha256sum", [path])
        return String(result?.stdout.prefix(64) ?? "")
    }
}
