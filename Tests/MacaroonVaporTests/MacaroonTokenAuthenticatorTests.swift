#if Vapor
import InMemoryTracing
import Logging
import MacaroonServerTestSupport
import MacaroonTokens
import MacaroonVapor
import MetricsTestKit
import Testing
import VaporTesting

@Suite("MacaroonVapor")
struct MacaroonTokenAuthenticatorTests {
    /// `POST /upload/:project` behind the authenticator, whose handler authorizes the upload.
    static func configure(_ app: Application, _ authentication: TokenAuthentication, logger: Logger) {
        app.logger = logger
        app.grouped(MacaroonTokenAuthenticator(authentication)).post("upload", ":project") { request async throws -> String in
            let project = Scenario.project(named: try request.parameters.require("project"))
            let verdict = try request.authorizeUpload(project: project)
            return Scenario.allowedBody(owner: try #require(verdict.owner))
        }
    }

    static func send(_ scenario: Scenario, to app: Application) async throws -> Answer {
        var headers = HTTPHeaders()
        if let authorization = scenario.authorization { headers.add(name: .authorization, value: authorization) }
        var answer: Answer?
        try await app.testing().test(.POST, scenario.path, headers: headers) { response in
            answer = Answer(
                status: Int(response.status.code), reasonPhrase: response.status.reasonPhrase, body: response.body.string,
                wwwAuthenticate: response.headers.first(name: .wwwAuthenticate), contentType: response.headers.first(name: .contentType))
        }
        return try #require(answer)
    }

    @Test("every scenario: answers, logs without secrets (the store's too), metrics", arguments: Backend.available)
    func everyScenario(backend: Backend) async throws {
        let logs = LogCapture()
        let fixture = try await Fixture(backend: backend, logger: logs.logger(label: "store"))
        defer { fixture.removeFiles() }
        let metrics = TestMetrics()
        let authentication = fixture.authentication(logger: logs.logger(), metrics: metrics)
        let scenarios = Scenario.all(fixture)
        try await withApp { app in
            Self.configure(app, authentication, logger: logs.logger(label: "app"))
            for scenario in scenarios {
                scenario.check(try await Self.send(scenario, to: app))
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
        try await withApp { app in
            Self.configure(app, authentication, logger: logs.logger())
            try await app.testing().test(.POST, "/upload/x", headers: ["Authorization": "Bearer \(fixture.accountToken)"]) { response in
                #expect(response.status.code == 503)
                #expect(response.body.string == "The token service is unavailable; try again later.\n")
            }
        }
        #expect(metrics.counterTotal(label: "macaroon_token_verifications_total", dimensions: [("stage", "authenticate"), ("outcome", "unavailable")]) == 1)
        #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("connection refused (test)") })
    }

    @Test("optional credentials: a request without them passes unauthenticated; a handler's authorization then answers 401")
    func optionalCredentials() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), credentialsRequired: false)
        try await withApp { app in
            let group = app.grouped(MacaroonTokenAuthenticator(authentication))
            group.get("whoami") { request -> String in request.auth.get(AuthenticatedToken.self).map { "\($0.owner)" } ?? "anonymous" }
            group.post("upload") { request -> String in
                try request.authorizeUpload(project: Fixture.project)
                return "ok"
            }
            let tester = try app.testing()
            try await tester.test(.GET, "/whoami") { #expect($0.body.string == "anonymous") }
            try await tester.test(.GET, "/whoami", headers: ["Authorization": "token \(fixture.accountToken)"]) {
                #expect($0.body.string == "user alice")
            }
            try await tester.test(.GET, "/whoami", headers: ["Authorization": "token \(fixture.forgedToken)"]) {
                #expect($0.status.code == 403)
            }
            try await tester.test(.POST, "/upload") { response in
                #expect(response.status.code == 401)
                #expect(response.headers.first(name: .wwwAuthenticate) == TokenRefusal.challenge)
            }
        }
    }

    @Test("spans: authentication around the store lookup, then authorization")
    func spans() async throws {
        let fixture = try await Fixture()
        let tracer = InMemoryTracer()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics(), tracer: tracer)
        try await withApp { app in
            Self.configure(app, authentication, logger: LogCapture().logger())
            try await app.testing().test(.POST, "/upload/\(Fixture.project.name)", headers: ["Authorization": "Bearer \(fixture.projectToken)"]) {
                #expect($0.status.code == 200)
            }
        }
        let id = try #require(try ServiceToken(parsing: fixture.projectToken).identifier)
        AdapterChecks.spansOfOneUpload(tracer, tokenID: id)
    }

    @Test("on the wire, the status line carries the reasons (what twine prints)")
    func statusLineOnTheWire() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        try await withApp { app in
            Self.configure(app, authentication, logger: LogCapture().logger())
            app.http.server.configuration.hostname = "127.0.0.1"
            app.http.server.configuration.port = 0
            try await app.server.start(address: nil)
            let port = try #require(app.http.server.shared.localAddress?.port)
            let refused = try await RawHTTP.statusLine(
                port: port, method: "POST", path: "/upload/\(Fixture.otherProject.name)",
                headers: [("Authorization", "Bearer \(fixture.projectToken)")])
            let missing = try await RawHTTP.statusLine(port: port, method: "POST", path: "/upload/x", headers: [])
            await app.server.shutdown()
            #expect(refused == "HTTP/1.1 403 Invalid API Token: project-scoped token is not valid for project: 'other-project'")
            #expect(missing == "HTTP/1.1 401 Invalid or non-existent authentication information.")
        }
    }
}
#endif
