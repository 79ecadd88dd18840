import Foundation
import Hummingbird
import Logging
import MacaroonLeakReports

/// `POST /_/secrets/disclose-token`: GitHub secret-scanning reports, checked and
/// acted on by the library; the headers are checked before the body is read.
struct LeakReportRoutes: RegistryRouteGroup {
    let context: RegistryServerContext
    let endpoint: LeakReportEndpoint

    func addRoutes(to router: Router<RegistryRequestContext>) {
        router.post("_/secrets/disclose-token") { request, _ in try await disclose(request) }
    }

    func disclose(_ request: Request) async throws -> Response {
        var request = request
        func header(_ name: String) -> String? {
            request.headers.first { $0.name.canonicalName == name.lowercased() }?.value
        }
        let keyID = header(SignedReportVerifier.keyIdentifierHeader)
        let signature = header(SignedReportVerifier.signatureHeader)
        let pending: PendingSignature
        do {
            switch try await endpoint.authenticate(keyIdentifier: keyID, signature: signature) {
            case .failure(let refusal):
                context.logger.info("leak report refused", metadata: ["status": "\(refusal.status)"])
                return Self.response(refusal)
            case .success(let accepted): pending = accepted
            }
        } catch {
            context.logger.error("leak report keys unavailable", metadata: ["error": "\(error)"])
            throw UploadFailure(.serviceUnavailable, "Service Unavailable: the reporter's keys cannot be fetched; retry later.")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: endpoint.limits.maxBodyBytes)
        } catch {
            return Self.response(.tooLarge(endpoint.limits))
        }
        do {
            let (response, outcome) = try await endpoint.handle(body: Array(body.readableBytesView), signature: pending)
            context.logger.info(
                "leak report", metadata: ["status": "\(response.status)", "revoked": "\(outcome?.revoked.count ?? 0)",
                                          "ignored": "\(outcome?.ignored ?? 0)"])
            return Self.response(response)
        } catch {
            throw context.storeFailure(error)
        }
    }

    static func response(_ response: LeakReportResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: response.status),
            headers: response.body.isEmpty ? [:] : [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// What the registry does with a leaked token once revoked: a line in
/// `<data>/leaked-tokens.jsonl` saying which token, why and where (Warehouse: an
/// account event), and a warning in the log standing in for the owner's email.
struct RegistryLeakHook: LeakedTokenHook {
    let path: String
    let logger: Logger
    private let lock = NSLock()

    init(dataDirectory: String, logger: Logger) {
        self.path = dataDirectory + "/leaked-tokens.jsonl"
        self.logger = logger
    }

    func tokenRevoked(_ event: LeakedTokenEvent) async {
        let record: [String: Any] = [
            "token_id": event.token.id, "owner": event.token.owner.description, "name": event.token.name,
            "reason": "leaked: reported by \(event.reporter) secret scanning", "url": event.url, "source": event.source ?? "",
            "type": event.type, "revoked_at": event.revokedAt,
        ]
        if let line = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]) {
            lock.withLock {
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                if let handle = FileHandle(forWritingAtPath: path) {
                    handle.seekToEndOfFile()
                    handle.write(line + Data("\n".utf8))
                    try? handle.close()
                }
            }
        }
        logger.warning(
            "token revoked because it leaked; notifying its owner",
            metadata: ["token_id": "\(event.token.id)", "owner": "\(event.token.owner)", "url": "\(RegistryDatabase.printable(event.url))"])
    }
}
