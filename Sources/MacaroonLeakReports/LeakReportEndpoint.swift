#if LeakReports
import Foundation
import MacaroonTokens

/// `POST /_/secrets/disclose-token`, framework-neutral: the two steps a server
/// calls, and the answers to send.
///
/// ```swift
/// switch try await endpoint.authenticate(keyIdentifier: header1, signature: header2) {
/// case .failure(let answer): return answer            // no body read
/// case .success(let pending):
///     let body = try await request.body.collect(upTo: endpoint.limits.maxBodyBytes)  // 413 beyond
///     return try await endpoint.handle(body: body, signature: pending)
/// }
/// ```
public struct LeakReportEndpoint: Sendable {
    /// Checks signatures.
    public let verifier: SignedReportVerifier
    /// Revokes tokens.
    public let processor: LeakReportProcessor
    /// Bounds on the body.
    public let limits: LeakReport.Limits
    /// The current time, Unix seconds.
    public let clock: @Sendable () -> Int64

    /// An endpoint.
    public init(
        verifier: SignedReportVerifier, processor: LeakReportProcessor, limits: LeakReport.Limits = .init(),
        clock: @escaping @Sendable () -> Int64 = UploadRequest.currentTime
    ) {
        self.verifier = verifier
        self.processor = processor
        self.limits = limits
        self.clock = clock
    }

    /// Step 1, before reading the body: the headers.
    ///
    /// - Throws: the keys' fetch failure (answer 503).
    public func authenticate(keyIdentifier: String?, signature: String?) async throws -> Result<PendingSignature, LeakReportResponse> {
        switch try await verifier.authenticate(keyIdentifier: keyIdentifier, signature: signature, now: clock()) {
        case .success(let pending): return .success(pending)
        case .failure(.missingHeaders): return .failure(LeakReportResponse(status: 404, message: "not a secret-scanning report"))
        case .failure(.unknownKey): return .failure(LeakReportResponse(status: 400, message: "unknown public key identifier"))
        case .failure(.malformedSignature): return .failure(LeakReportResponse(status: 400, message: "malformed signature"))
        }
    }

    /// Step 2: the body (read with at most ``LeakReport/Limits/maxBodyBytes`` bytes; answer
    /// ``LeakReportResponse/tooLarge`` beyond) against the signature, then its entries.
    /// Answers 204 when processed, as Warehouse: the reporter learns nothing about the outcome.
    ///
    /// - Throws: the store's operational failures (answer 503).
    public func handle(body: [UInt8], signature: PendingSignature) async throws -> (response: LeakReportResponse, outcome: LeakReportProcessor.Outcome?) {
        guard body.count <= limits.maxBodyBytes else { return (.tooLarge(limits), nil) }
        guard signature.verifies(body) else { return (LeakReportResponse(status: 400, message: "invalid signature"), nil) }
        switch Result(catching: { () throws(LeakReport.FormatError) in try LeakReport.parse(body, limits: limits) }) {
        case .failure(let error):
            return (LeakReportResponse(status: 400, message: error.message), nil)
        case .success(let parsed):
            let outcome = try await processor.process(parsed.entries, now: clock())
            return (LeakReportResponse(status: 204, message: nil), outcome)
        }
    }
}

/// An answer of the report endpoint: a status and, for refusals, `{"message": …}`.
public struct LeakReportResponse: Sendable, Hashable, Error {
    /// The HTTP status: 204, 400, 404 or 413.
    public let status: Int
    /// The JSON body; empty for 204.
    public let body: [UInt8]

    init(status: Int, message: String?) {
        self.status = status
        if let message {
            body = Array((try? JSONSerialization.data(withJSONObject: ["message": message], options: [.sortedKeys])) ?? Data())
        } else {
            body = []
        }
    }

    /// 413, for a body longer than the limit.
    public static func tooLarge(_ limits: LeakReport.Limits) -> LeakReportResponse {
        LeakReportResponse(status: 413, message: "the report is longer than \(limits.maxBodyBytes) bytes")
    }
}
#endif
