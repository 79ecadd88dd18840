#if Hummingbird || Vapor
import InMemoryTracing
import Logging
import MacaroonServerSupport
import MacaroonTokens
import MetricsTestKit
import Testing
import Tracing

/// A request the adapter tests send: method, path and `Authorization` header.
public struct TestRequest: Sendable {
    public let method: String
    public let path: String
    public let authorization: String?

    public init(_ method: String, _ path: String, authorization: String? = nil) {
        self.method = method
        self.path = path
        self.authorization = authorization
    }
}

/// A framework adapter under test. It serves, behind its authenticator with the
/// authentication given:
/// - `POST /upload/{project}`: authorizes the upload for ``Scenario/project(named:)`` and
///   answers ``Scenario/allowedBody(owner:)``;
/// - `GET /whoami`: the authenticated owner, or `anonymous`.
public protocol AdapterHarness {
    /// Serves the routes with `authentication` and runs `body` with a way to send requests to them.
    static func withRoutes(
        _ authentication: TokenAuthentication, logger: Logger,
        _ body: @Sendable (_ send: (TestRequest) async throws -> Answer) async throws -> Void
    ) async throws
}

/// One of the checks every framework adapter passes (``AdapterSuite``).
public enum AdapterCheck: Sendable, CustomStringConvertible {
    /// Every scenario: answers, logs without secrets (the store's too), metrics.
    case everyScenario(Backend)
    /// 503 when the store is unreachable, never an allow.
    case unreachableStore
    /// Optional credentials: a request without them passes unauthenticated; a handler's authorization then answers 401.
    case optionalCredentials
    /// Spans: authentication around the store lookup, then authorization.
    case spans

    /// Every check, with every backend built in.
    public static var all: [AdapterCheck] { Backend.available.map(everyScenario) + [.unreachableStore, .optionalCredentials, .spans] }

    public var description: String {
        switch self {
        case .everyScenario(let backend): "every scenario: answers, logs without secrets (the store's too), metrics (\(backend))"
        case .unreachableStore: "503 when the store is unreachable, never an allow"
        case .optionalCredentials: "optional credentials: a request without them passes unauthenticated; a handler's authorization then answers 401"
        case .spans: "spans: authentication around the store lookup, then authorization"
        }
    }
}

/// The tests every framework adapter passes, written once: each adapter's suite runs
/// ``AdapterCheck/all`` with its harness.
public enum AdapterSuite<Harness: AdapterHarness> {
    /// Runs one check.
    public static func run(_ check: AdapterCheck) async throws {
        switch check {
        case .everyScenario(let backend): try await everyScenario(backend: backend)
        case .unreachableStore: try await unreachableStore()
        case .optionalCredentials: try await optionalCredentials()
        case .spans: try await spans()
        }
    }

    /// Every scenario: answers, logs without secrets (the store's too), metrics.
    static func everyScenario(backend: Backend) async throws {
        let logs = LogCapture()
        let fixture = try await Fixture(backend: backend, logger: logs.logger(label: "store"))
        defer { fixture.removeFiles() }
        let metrics = TestMetrics()
        let scenarios = Scenario.all(fixture)
        try await Harness.withRoutes(fixture.authentication(logger: logs.logger(), metrics: metrics), logger: logs.logger(label: "app")) { send in
            for scenario in scenarios {
                scenario.check(try await send(TestRequest("POST", scenario.path, authorization: scenario.authorization)))
            }
        }
        AdapterChecks.logsHoldNoSecret(logs, fixture)
        AdapterChecks.metricsCountEveryScenario(metrics, scenarios)
    }

    /// 503 when the store is unreachable, never an allow.
    static func unreachableStore() async throws {
        let fixture = try await Fixture()
        let logs = LogCapture()
        let metrics = TestMetrics()
        let authentication = fixture.authentication(store: UnreachableStore(), logger: logs.logger(), metrics: metrics)
        try await Harness.withRoutes(authentication, logger: logs.logger()) { send in
            let answer = try await send(TestRequest("POST", "/upload/x", authorization: "Bearer \(fixture.accountToken)"))
            #expect(answer.status == 503)
            #expect(answer.body == "The token service is unavailable; try again later.\n")
        }
        #expect(metrics.counterTotal(
            label: "macaroon_token_verifications_total", dimensions: [("stage", "authenticate"), ("outcome", "unavailable")]) == 1)
        #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("connection refused (test)") })
    }

    /// Optional credentials: a request without them passes unauthenticated; a handler's authorization then answers 401.
    static func optionalCredentials() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), credentialsRequired: false)
        try await Harness.withRoutes(authentication, logger: LogCapture().logger()) { send in
            #expect(try await send(TestRequest("GET", "/whoami")).body == "anonymous")
            #expect(try await send(TestRequest("GET", "/whoami", authorization: "token \(fixture.accountToken)")).body == "user alice")
            #expect(try await send(TestRequest("GET", "/whoami", authorization: "token \(fixture.forgedToken)")).status == 403)
            let upload = try await send(TestRequest("POST", "/upload/\(Fixture.project.name)"))
            #expect(upload.status == 401)
            #expect(upload.wwwAuthenticate == TokenRefusal.challenge)
        }
    }

    /// Spans: authentication around the store lookup, then authorization.
    static func spans() async throws {
        let fixture = try await Fixture()
        let tracer = InMemoryTracer()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), tracer: tracer)
        try await Harness.withRoutes(authentication, logger: LogCapture().logger()) { send in
            let answer = try await send(TestRequest("POST", "/upload/\(Fixture.project.name)", authorization: "Bearer \(fixture.projectToken)"))
            #expect(answer.status == 200)
        }
        let id = try #require(try ServiceToken(parsing: fixture.projectToken).identifier)
        AdapterChecks.spansOfOneUpload(tracer, tokenID: id)
    }
}
#endif
