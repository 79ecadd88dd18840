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
