#if Vapor
import InMemoryTracing
import Logging
import MacaroonServerTestSupport
import MacaroonTokens
import MacaroonVapor
import MetricsTestKit
import Testing
import VaporTesting

/// The Vapor adapter under the shared adapter tests.
enum VaporHarness: AdapterHarness {
    /// The shared routes behind the authenticator.
    static func configure(_ app: Application, _ authentication: TokenAuthentication, logger: Logger) {
        app.logger = logger
        let authenticated = app.grouped(MacaroonTokenAuthenticator(authentication))
        authenticated.post("upload", ":project") { request async throws -> String in
            let project = Scenario.project(named: try request.parameters.require("project"))
            let verdict = try request.authorizeUpload(project: project)
            return Scenario.allowedBody(owner: try #require(verdict.owner))
        }
        authenticated.get("whoami") { request -> String in
            request.auth.get(AuthenticatedToken.self).map { "\($0.owner)" } ?? "anonymous"
        }
    }

    static func withRoutes(
        _ authentication: TokenAuthentication, logger: Logger,
        _ body: @Sendable (_ send: (TestRequest) async throws -> Answer) async throws -> Void
    ) async throws {
        try await withApp { app in
            configure(app, authentication, logger: logger)
            try await body { request in
                var headers = HTTPHeaders()
                if let authorization = request.authorization { headers.add(name: .authorization, value: authorization) }
                var answer: Answer?
                try await app.testing().test(HTTPMethod(rawValue: request.method), request.path, headers: headers) { response in
                    answer = Answer(
                        status: Int(response.status.code), reasonPhrase: response.status.reasonPhrase, body: response.body.string,
                        wwwAuthenticate: response.headers.first(name: .wwwAuthenticate), contentType: response.headers.first(name: .contentType))
                }
                return try #require(answer)
            }
        }
    }
}

@Suite("MacaroonVapor")
struct MacaroonTokenAuthenticatorTests {
    @Test("the checks every adapter passes", arguments: AdapterCheck.all)
    func shared(_ check: AdapterCheck) async throws { try await AdapterSuite<VaporHarness>.run(check) }

    @Test("two Authorization fields are refused as a malformed token (403, as one), whichever holds a valid token: never one of them picked")
    func twoAuthorizationFields() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        let valid = "Bearer \(fixture.accountToken)"
        let basic = "Basic \(Fixture.basicCredentials(fixture.accountToken))"
        let pairs: [[String]] = [[valid, valid], [valid, ""], ["", valid], [valid, "Bearer pypi-x"], ["Bearer pypi-x", valid], [basic, valid], [valid, basic]]
        try await withApp { app in
            VaporHarness.configure(app, authentication, logger: LogCapture().logger())
            for values in pairs {
                var headers = HTTPHeaders()
                for value in values { headers.add(name: .authorization, value: value) }
                for (method, path) in [(HTTPMethod.POST, "/upload/\(Fixture.project.name)"), (.GET, "/whoami")] {
                    try await app.testing().test(method, path, headers: headers) { response in
                        #expect(response.status.code == 403, "\(path) \(values.map { $0.prefix(12) })")
                    }
                }
            }
            try await app.testing().test(.GET, "/whoami", headers: ["Authorization": valid]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("on the wire, the status line carries the reasons (what twine prints)")
    func statusLineOnTheWire() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        try await withApp { app in
            VaporHarness.configure(app, authentication, logger: LogCapture().logger())
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
