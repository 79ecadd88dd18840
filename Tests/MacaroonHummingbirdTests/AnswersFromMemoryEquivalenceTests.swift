#if Hummingbird && SQLite
import Foundation
import InMemoryTracing
import Logging
import Macaroons
import MacaroonServerTestSupport
@testable import MacaroonServerSupport
import MacaroonSQLite
import MacaroonTokens
import Metrics
import MetricsTestKit
import Testing
import Tracing

/// One SQLite store with its lookup cache, authenticated against by a server without metrics
/// or tracing (which takes the store's answer from memory first) and by one with both (which
/// does not): every request gets the same verdict, through revocations by this store and by
/// another one on the file.
@Suite struct AnswersFromMemoryEquivalenceTests {
    static let interval = Duration.milliseconds(100)

    @Test func theSameVerdictsWithAndWithoutMetricsAndTracing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tokens.sqlite").path
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteTokenStore(
            path: path, configuration: .init(cache: .init(timeToLive: .seconds(600), changeCheckInterval: Self.interval)), logger: logger)
        let other = try SQLiteTokenStore(path: path, keyRing: .unsealed, logger: logger)
        let verifier = UploadTokenVerifier(prefix: "pypi", location: Fixture.location)
        let plain = TokenAuthentication(
            verifier: verifier, store: store, owners: TestOwnerPolicy(), logger: logger,
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer())
        let metrics = TestMetrics()
        let observed = TokenAuthentication(
            verifier: verifier, store: store, owners: TestOwnerPolicy(), logger: logger, metricsFactory: metrics, tracer: InMemoryTracer())
        #expect(!plain.metrics.isRecording && !plain.tracing && observed.metrics.isRecording && observed.tracing)

        func verdicts(_ token: String) async -> [String] {
            var answers: [String] = []
            for authentication in [plain, observed, plain, observed] {
                do {
                    let authenticated = try await authentication.authenticate(authorizationHeader: "Bearer \(token)")
                    answers.append(authenticated == nil ? "none" : "authenticated")
                } catch {
                    answers.append("\(error.statusCode) \(error.reasons.map(\.code))")
                }
            }
            return answers
        }
        func mint(_ name: String, owner: String = Fixture.user) async throws -> MintedStoredToken {
            try await store.mint(NewToken(owner: .user(id: owner), name: name, location: Fixture.location))
        }
        func expectAllSame(_ answers: [String], _ expected: String, _ what: String) {
            #expect(answers == Array(repeating: expected, count: answers.count), "\(what): \(answers)")
        }

        // Revoked through this store: refused at once by both.
        let local = try await mint("local")
        expectAllSame(await verdicts(local.token), "authenticated", "before its delete")
        try await store.delete(id: local.info.id, ownedBy: .user(id: Fixture.user))
        expectAllSame(await verdicts(local.token), "403 \([UploadTokenVerifier.unknownToken.code])", "after its delete returned")

        // Revoked through another store on the file: refused by both once the check interval passed.
        let foreign = try await mint("foreign")
        expectAllSame(await verdicts(foreign.token), "authenticated", "before the other store's delete")
        try await other.delete(id: foreign.info.id, ownedBy: .user(id: Fixture.user))
        try await Task.sleep(for: Self.interval * 2)
        expectAllSame(await verdicts(foreign.token), "403 \([UploadTokenVerifier.unknownToken.code])", "after the other store's delete")

        // A disabled owner and a failing owner policy: the same for both.
        let frozen = try await mint("frozen", owner: Fixture.disabledUser)
        expectAllSame(await verdicts(frozen.token), "403 \([DenialReason.Code.ownerDisabled])", "a disabled owner")
        let broken = try await mint("broken", owner: Fixture.brokenUser)
        expectAllSame(await verdicts(broken.token), "503 \([DenialReason.Code]())", "a failing owner policy")

        // The store closed: an operational failure for both, never an answer from memory.
        let last = try await mint("last")
        expectAllSame(await verdicts(last.token), "authenticated", "before the store closes")
        try store.close()
        expectAllSame(await verdicts(last.token), "503 \([DenialReason.Code]())", "a closed store")
    }
}
#endif
