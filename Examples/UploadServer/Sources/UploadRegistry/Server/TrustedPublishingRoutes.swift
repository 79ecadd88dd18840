import Hummingbird
import Logging
import MacaroonTrustedPublishing

/// PyPI's trusted-publishing endpoints: `GET /_/oidc/audience`, `POST /_/oidc/mint-token`,
/// and uv's `POST /_/oidc/burn-token`, answered by the library's exchange.
struct TrustedPublishingRoutes: RegistryRouteGroup {
    let context: RegistryServerContext
    let exchange: TrustedPublishingExchange

    func addRoutes(to router: Router<RegistryRequestContext>) {
        router.get("_/oidc/audience") { _, _ in Self.response(exchange.audienceResponse()) }
        router.post("_/oidc/mint-token") { request, _ in
            let response = try await answer(request) { body in try await exchange.mintToken(body: body) }
            if let minted = response.minted {
                context.logger.info(
                    "trusted publishing token minted",
                    metadata: ["token_id": "\(minted.id)", "owner": "\(minted.owner)", "expires": "\(minted.expires ?? 0)"])
            } else {
                var metadata: Logger.Metadata = ["errors": "\(response.errors.map(\.code))"]
                if let reason = response.logReason { metadata["reason"] = "\(reason)" }
                context.logger.info("trusted publishing refused", metadata: metadata)
            }
            return Self.response(response)
        }
        router.post("_/oidc/burn-token") { request, _ in
            let response = try await answer(request) { body in try await exchange.burnToken(body: body) }
            context.logger.info("trusted publishing token burn", metadata: ["status": "\(response.status)", "errors": "\(response.errors.map(\.code))"])
            return Self.response(response)
        }
    }

    /// Reads the body (bounded) and runs the exchange; an operational failure is a 503.
    private func answer(_ request: Request, _ body: ([UInt8]) async throws -> ExchangeResponse) async throws -> ExchangeResponse {
        var request = request
        let bytes: ByteBuffer
        do {
            bytes = try await request.collectBody(upTo: exchange.maxBodyBytes)
        } catch {
            throw UploadFailure(.contentTooLarge, "The request body is longer than \(exchange.maxBodyBytes) bytes.")
        }
        do {
            return try await body(Array(bytes.readableBytesView))
        } catch {
            throw context.storeFailure(error)
        }
    }

    static func response(_ response: ExchangeResponse) -> Response {
        Response(
            status: HTTPResponse.Status(code: response.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
