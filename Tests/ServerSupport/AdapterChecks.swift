#if Hummingbird || Vapor
import InMemoryTracing
import MacaroonServerSupport
import Macaroons
import MacaroonTokens
import MetricsTestKit
import Testing
import Tracing

/// The checks every framework adapter passes after running ``Scenario/all(_:)``.
public enum AdapterChecks {
    /// No secret of the fixture in any log line, and the log does say what happened.
    public static func logsHoldNoSecret(_ logs: LogCapture, _ fixture: Fixture, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = logs.all
        #expect(lines.contains { $0.contains("macaroon: token refused") }, sourceLocation: sourceLocation)
        #expect(lines.contains { $0.contains("macaroon: token authenticated") }, sourceLocation: sourceLocation)
        #expect(lines.contains { $0.contains("answering 503") }, sourceLocation: sourceLocation)
        #expect(fixture.secrets.count > 40, sourceLocation: sourceLocation)
        for secret in fixture.secrets {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "a secret is logged: \(leaks.count) lines", sourceLocation: sourceLocation)
        }
    }

    /// The counters and timer after every scenario ran once.
    public static func metricsCountEveryScenario(_ metrics: TestMetrics, _ scenarios: [Scenario], sourceLocation: SourceLocation = #_sourceLocation) {
        func count(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
            metrics.counterTotal(label: label, dimensions: dimensions)
        }
        let deferred: Set<DenialReason.Code> = [.caveatNotSatisfied, .invalidCaveat]
        let authenticated = scenarios.filter { $0.status == 200 || ($0.status == 403 && Set($0.reasons).isSubset(of: deferred)) }
        let refusedEarly = scenarios.filter { $0.status == 403 && !Set($0.reasons).isSubset(of: deferred) }
        let verifications = "macaroon_token_verifications_total"
        #expect(count(verifications, [("stage", "authenticate"), ("outcome", "allowed")]) == Int64(authenticated.count), sourceLocation: sourceLocation)
        #expect(count(verifications, [("stage", "authenticate"), ("outcome", "denied")]) == Int64(refusedEarly.count), sourceLocation: sourceLocation)
        #expect(count(verifications, [("stage", "authenticate"), ("outcome", "unauthenticated")]) == Int64(scenarios.filter { $0.status == 401 }.count), sourceLocation: sourceLocation)
        #expect(count(verifications, [("stage", "authenticate"), ("outcome", "unavailable")]) == Int64(scenarios.filter { $0.status == 503 }.count), sourceLocation: sourceLocation)
        #expect(count(verifications, [("stage", "authorize"), ("outcome", "allowed")]) == Int64(scenarios.filter { $0.status == 200 }.count), sourceLocation: sourceLocation)
        #expect(count(verifications, [("stage", "authorize"), ("outcome", "denied")]) == Int64(authenticated.count - scenarios.filter { $0.status == 200 }.count), sourceLocation: sourceLocation)
        let codes: [DenialReason.Code] = [
            .malformedToken, .unknownIdentifier, .invalidSignature, .wrongLocation,
            .thirdPartyCaveatNotAccepted, .invalidCaveat, .caveatNotSatisfied, .ownerDisabled,
        ]
        for code in codes {
            let stage = deferred.contains(code) ? "authorize" : "authenticate"
            let expected = scenarios.filter { $0.reasons.contains(code) }.count
            #expect(count("macaroon_token_denials_total", [("stage", stage), ("reason", code.description)]) == Int64(expected), "\(code)", sourceLocation: sourceLocation)
        }
        for scheme in AuthorizationScheme.allCases {
            let expected = scenarios.filter { AuthorizationScheme(header: $0.authorization) == scheme }.count
            #expect(count("macaroon_token_auth_scheme_total", [("scheme", scheme.rawValue)]) == Int64(expected), "\(scheme)", sourceLocation: sourceLocation)
        }
        let lookups = scenarios.filter { $0.authorization != nil && !$0.reasons.contains(.malformedToken) }.count
        let timer = try? metrics.expectTimer("macaroon_token_store_lookup_duration")
        #expect(timer?.values.count == lookups, sourceLocation: sourceLocation)
    }

    /// The spans of one allowed upload: authentication with a store lookup inside it, then authorization.
    public static func spansOfOneUpload(_ tracer: InMemoryTracer, tokenID: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let spans = tracer.finishedSpans
        let names = spans.map(\.operationName)
        #expect(names == ["macaroon.token_store.lookup", "macaroon.authenticate", "macaroon.authorize"], sourceLocation: sourceLocation)
        guard spans.count == 3 else { return }
        #expect(spans[0].parentSpanID == spans[1].spanID, sourceLocation: sourceLocation)
        #expect(spans[1].attributes["macaroon.token.id"]?.toSpanAttribute() == SpanAttribute.string(tokenID), sourceLocation: sourceLocation)
        #expect(spans[2].attributes["macaroon.outcome"]?.toSpanAttribute() == SpanAttribute.string("allowed"), sourceLocation: sourceLocation)
    }
}
#endif
