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

/// The Hummingbird adapter under the shared adapter tests.
enum HummingbirdHarness: AdapterHarness {
    typealias Context = BasicAuthRequestContext<AuthenticatedToken>

    /// The router of the shared routes, behind the authenticator.
    static func router(_ authentication: TokenAuthentication) -> Router<Context> {
        let router = Router(context: Context.self)
        let authenticated = router.group().add(middleware: MacaroonAuthenticator(authentication))
        authenticated.post("upload/{project}") { _, context -> String in
            let project = Scenario.project(named: try context.parameters.require("project"))
            let verdict = try context.authorizeUpload(project: project)
            return Scenario.allowedBody(owner: try #require(verdict.owner))
        }
        authenticated.get("whoami") { _, context -> String in
            context.identity.map { "\($0.owner)" } ?? "anonymous"
        }
        return router
    }

    static func withRoutes(
        _ authentication: TokenAuthentication, logger: Logger,
        _ body: @Sendable (_ send: (TestRequest) async throws -> Answer) async throws -> Void
    ) async throws {
        try await Application(router: router(authentication), logger: logger).test(.router) { client in
            try await body { request in
                var headers: HTTPFields = [:]
                if let authorization = request.authorization { headers[.authorization] = authorization }
                let response = try await client.execute(uri: request.path, method: HTTPRequest.Method(request.method)!, headers: headers)
                return Answer(
                    status: response.status.code, reasonPhrase: response.status.reasonPhrase, body: String(buffer: response.body),
                    wwwAuthenticate: response.headers[.wwwAuthenticate], contentType: response.headers[.contentType])
            }
        }
    }
}

@Suite("MacaroonHummingbird")
struct MacaroonAuthenticatorTests {
    @Test("the checks every adapter passes", arguments: AdapterCheck.all)
    func shared(_ check: AdapterCheck) async throws { try await AdapterSuite<HummingbirdHarness>.run(check) }

    @Test("two Authorization fields are refused as a malformed token (403, as one), whichever holds a valid token: never one of them picked")
    func twoAuthorizationFields() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        let valid = "Bearer \(fixture.accountToken)"
        let pairs: [[String]] = [
            [valid, valid], [valid, ""], ["", valid], [valid, "Bearer pypi-x"], ["Bearer pypi-x", valid],
            ["Basic \(Fixture.basicCredentials(fixture.accountToken))", valid], [valid, "Basic \(Fixture.basicCredentials(fixture.accountToken))"],
        ]
        try await Application(router: HummingbirdHarness.router(authentication), logger: LogCapture().logger()).test(.router) { client in
            for values in pairs {
                var headers: HTTPFields = [:]
                for value in values { headers.append(HTTPField(name: .authorization, value: value)) }
                #expect(headers[values: .authorization].count == 2)
                let upload = try await client.execute(uri: "/upload/\(Fixture.project.name)", method: .post, headers: headers)
                #expect(upload.status == .forbidden, "\(values.map { $0.prefix(12) })")
                let whoami = try await client.execute(uri: "/whoami", method: .get, headers: headers)
                #expect(whoami.status == .forbidden, "\(values.map { $0.prefix(12) })")
            }
            // One field of the same token is allowed (the pairs' refusal is the pairing's).
            let one = try await client.execute(uri: "/whoami", method: .get, headers: [.authorization: valid])
            #expect(one.status == .ok)
        }
    }
    @Test("on the wire, with ReasonPhrases installed, the status line carries the reasons (what twine prints)")
    func statusLineOnTheWire() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: LogCapture().logger(), metrics: TestMetrics())
        let router = HummingbirdHarness.router(authentication)
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
