import Hummingbird

/// A refusal answered as Warehouse answers it: the message is both the HTTP
/// reason phrase (twine prints it) and the plain-text body (uv prints it).
public struct UploadFailure: HTTPResponseError, CustomStringConvertible {
    /// The status code.
    public let status: HTTPResponse.Status
    /// The message for the client: never a token or a secret.
    public let message: String
    /// Extra response headers (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields

    /// The most bytes of the message put in the reason phrase.
    static let maximumReasonBytes = 400

    /// A refusal with `status` and `message`.
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// `code message`.
    public var description: String { "\(status.code) \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var reason = String(decoding: message.utf8.prefix(Self.maximumReasonBytes), as: UTF8.self)
        reason = String(reason.map { $0.isASCII && !$0.isNewline ? $0 : " " })
        var headers = self.headers
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: HTTPResponse.Status(code: status.code, reasonPhrase: reason), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
