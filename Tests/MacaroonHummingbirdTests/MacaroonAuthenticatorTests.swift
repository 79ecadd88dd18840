#if Hummingbird
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import InMemoryTracing
import Logging
import MacaroonHummingbird
import MacaroonServerTestSupport
import MacaroonTokens
import MetricsTestKit
import NIOCore
import Testing

@Suite("MacaroonHummingbird")
struct MacaroonAuthenticatorTests {
    typealias Context = BasicAuthRequestContext<AuthenticatedToken>

    /// An app with `POST /upload/{project}` behind the authenticator, whose handler authorizes the upload.
    static func application(_ authentication: TokenAuthentication, logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        router.group("upload").add(middleware: MacaroonAuthenticator(authentication))
            .post("{project}") { _, context -> String in
                let project = Scenario.project(named: try context.parameters.require("project"))
                let verdict = try context.authorizeUpload(project: project)
                return Scenario.allowedBody(owner: try #require(verdict.owner))
            }
        router.get("whoami") { _, context -> String in
            context.identity.map { "\($0.owner)" } ?? "anonymous"
        }
        return Application(router: router, logger: logger)
    }

    static func send(_ scenario: Scenario, to client: some TestClientProtocol) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let authorization = scenario.authorization { headers[.authorization] = authorization }
        let response = try await client.execute(uri: scenario.path, method: .post, headers: headers)
        return Answer(
            status: response.status.code, reasonPhrase: response.status.reasonPhrase, body: String(buffer: response.body),
            wwwAuthenticate: response.headers[.wwwAuthenticate], contentType: response.headers[.contentType])
    }

    @Test("every scenario: answers, logs without secrets (the store's too), metrics", arguments: Backend.available)
    func everyScenario(backend: Backend) async throws {
        let logs = LogCapture()
        let fixture = try await Fixture(backend: backend, logger: logs.logger(label: "store"))
        defer { fixture.removeFiles() }
        let metrics = TestMetrics()
        let authentication = fixture.authentication(logger: logs.logger(), metrics: metrics)
        let scenarios = Scenario.all(fixture)
        try await Self.application(authentication, logger: logs.logger(label: "app")).test(.router) { client in
            for scenario in scenarios {
                scenario.check(try await Self.send(scenario, to: client))
            }
        }
        AdapterChecks.logsHoldNoSecret(logs, fixture)
        AdapterChecks.metricsCountEveryScenario(metrics, scenarios)
    }

    @Test("503 when the store is unreachable, never an allow")
    func unreachableStore() async throws {
        let fixture = try await Fixture()
        let logs = LogCapture()
        let metrics = TestMetrics()
        let authentication = fixture.authentication(store: UnreachableStore(), logger: logs.logger(), metrics: metrics)
        try await Self.application(authentication, logger: logs.logger()).test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(fixture.accountToken)"]
            let response = try await client.execute(uri: "/upload/x", method: .post, headers: headers)
            #expect(response.status.code == 503)
            #expect(String(buffer: response.body) == "The token service is unavailable; try again later.\n")
        }
        #expect(metrics.counterTotal(label: "macaroon_token_verifications_total", dimensions: [("stage", "authenticate"), ("outcome", "unavailable")]) == 1)
        #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("connection refused (test)") })
    }

    @Test("optional credentials: a request without them passes unauthenticated; a handler's authorization then answers 401")
    func optionalCredentials() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), credentialsRequired: false)
        let router = Router(context: Context.self)
        router.add(middleware: MacaroonAuthenticator(authentication))
        router.get("whoami") { _, context -> String in context.identity.map { "\($0.owner)" } ?? "anonymous" }
        router.post("upload") { _, context -> String in
            try context.authorizeUpload(project: Fixture.project)
            return "ok"
        }
        try await Application(router: router).test(.router) { client in
            let anonymous = try await client.execute(uri: "/whoami", method: .get)
            #expect(String(buffer: anonymous.body) == "anonymous")
            let alice = try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "token \(fixture.accountToken)"])
            #expect(String(buffer: alice.body) == "user alice")
            let refused = try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: "token \(fixture.forgedToken)"])
            #expect(refused.status.code == 403)
            let upload = try await client.execute(uri: "/upload", method: .post)
            #expect(upload.status.code == 401)
            #expect(upload.headers[.wwwAuthenticate] == TokenRefusal.challenge)
        }
    }

    @Test("spans: authentication around the store lookup, then authorization")
    func spans() async throws {
        let fixture = try await Fixture()
        let tracer = InMemoryTracer()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), tracer: tracer)
        try await Self.application(authentication, logger: LogCapture().logger()).test(.router) { client in
            let response = try await client.execute(
                uri: "/upload/\(Fixture.project.name)", method: .post, headers: [.authorization: "Bearer \(fixture.projectToken)"])
            #expect(response.status.code == 200)
        }
        let id = try #require(try ServiceToken(parsing: fixture.projectToken).identifier)
        AdapterChecks.spansOfOneUpload(tracer, tokenID: id)
    }

    @Test("on the wire, with ReasonPhrases installed, the status line carries the reasons (what twine prints)")
    func statusLineOnTheWire() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        let router = Router(context: Context.self)
        router.group("upload").add(middleware: MacaroonAuthenticator(authentication))
            .post("{project}") { _, context -> String in
                try context.authorizeUpload(project: Scenario.project(named: try context.parameters.require("project")))
                return "ok"
            }
        let app = Application(
            router: router, server: .http1(configuration: .init(additionalChannelHandlers: [ReasonPhrases.channelHandler()])),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: LogCapture().logger())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let refused = try await RawHTTP.statusLine(
                port: port, method: "POST", path: "/upload/\(Fixture.otherProject.name)",
                headers: [("Authorization", "Bearer \(fixture.projectToken)")])
            #expect(refused == "HTTP/1.1 403 Invalid API Token: project-scoped token is not valid for project: 'other-project'")
            let allowed = try await RawHTTP.statusLine(
                port: port, method: "POST", path: "/upload/\(Fixture.project.name)",
                headers: [("Authorization", "Bearer \(fixture.projectToken)")])
            #expect(allowed == "HTTP/1.1 200 OK")
            let missing = try await RawHTTP.statusLine(port: port, method: "POST", path: "/upload/x", headers: [])
            #expect(missing == "HTTP/1.1 401 Invalid or non-existent authentication information.")
        }
        // Without the handler, Hummingbird's HTTP/1 codec writes the standard phrase.
        let plain = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: LogCapture().logger())
        try await plain.test(.live) { client in
            let refused = try await RawHTTP.statusLine(
                port: try #require(client.port), method: "POST", path: "/upload/\(Fixture.otherProject.name)",
                headers: [("Authorization", "Bearer \(fixture.projectToken)")])
            #expect(refused == "HTTP/1.1 403 Forbidden")
        }
    }
}
#endif
