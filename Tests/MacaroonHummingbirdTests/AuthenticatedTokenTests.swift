#if Hummingbird
import InMemoryTracing
import Logging
import MacaroonHummingbird
import MacaroonServerTestSupport
import MacaroonTokens
import MetricsTestKit
import Testing
import Tracing

@Suite("AuthenticatedToken")
struct AuthenticatedTokenTests {
    @Test("isRestrictedByHolder: false for tokens as minted (with their issued caveats), true once a holder appends one")
    func restrictedByHolder() async throws {
        let fixture = try await Fixture()
        let authentication = fixture.authentication(logger: Logger(label: "test"), metrics: TestMetrics())
        func authenticated(_ token: String) async throws -> AuthenticatedToken {
            try #require(try await authentication.authenticate(authorizationHeader: "Bearer \(token)"))
        }
        #expect(try await !authenticated(fixture.accountToken).isRestrictedByHolder)
        #expect(try await !authenticated(fixture.projectToken).isRestrictedByHolder, "issued project caveats are not a holder's")
        #expect(try await !authenticated(fixture.expiredToken).isRestrictedByHolder, "an issued expiry is not a holder's")

        let account = try ServiceToken(parsing: fixture.accountToken)
        let inAnHour = try account.restricted(by: ExpirationCaveat(expiresAt: UploadRequest.currentTime() + 3600, notBefore: UploadRequest.currentTime() - 60))
        #expect(try await authenticated(inAnHour.string).isRestrictedByHolder)
        let sameProject = try ServiceToken(parsing: fixture.projectToken).restricted(by: ProjectNamesCaveat([Fixture.project.name]))
        #expect(try await authenticated(sameProject.string).isRestrictedByHolder, "even a caveat that narrows nothing counts")
    }

    @Test("a project name from the request is escaped in log lines and span attributes, allowed or denied")
    func projectNamesAreEscaped() async throws {
        let fixture = try await Fixture()
        let logs = LogCapture()
        let tracer = InMemoryTracer()
        let authentication = fixture.authentication(logger: logs.logger(), metrics: TestMetrics(), tracer: tracer)
        let hostile = UploadRequest.Project(name: "pkg\n2026-11-30T12:00:00 info forged line \u{1B}]0;owned\u{7}")
        let account = try #require(try await authentication.authenticate(authorizationHeader: "Bearer \(fixture.accountToken)"))
        #expect(try account.authorize(project: hostile).isAllowed)
        let scoped = try #require(try await authentication.authenticate(authorizationHeader: "Bearer \(fixture.projectToken)"))
        #expect(throws: TokenRefusal.self) { try scoped.authorize(project: hostile) }

        let projectLines = logs.all.filter { $0.contains("macaroon.project=") }
        #expect(projectLines.count == 2, "\(logs.all)")
        for line in projectLines {
            #expect(!line.contains("\n") && !line.contains("\u{1B}") && !line.contains("\u{7}"), "raw request bytes in a log line: \(line)")
            #expect(line.contains("forged line"), "the name is still shown, escaped: \(line)")
        }
        let projects = tracer.finishedSpans.compactMap { $0.attributes["macaroon.project"]?.toSpanAttribute() }
        #expect(projects.count == 2)
        for attribute in projects {
            guard case .string(let value) = attribute else { Issue.record("not a string: \(attribute)"); continue }
            #expect(!value.contains("\n") && !value.contains("\u{1B}"), "raw request bytes in a span attribute: \(value)")
        }
    }
}
#endif
