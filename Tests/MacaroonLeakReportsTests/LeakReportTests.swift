#if LeakReports
import Crypto
import Foundation
import MacaroonFetchTestSupport
import MacaroonHTTPFetch
import MacaroonLeakReports
import MacaroonTokens
import Testing

/// Records revocation events.
final class RecordingHook: LeakedTokenHook, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [LeakedTokenEvent] = []

    var events: [LeakedTokenEvent] { lock.withLock { recorded } }

    func tokenRevoked(_ event: LeakedTokenEvent) async {
        lock.withLock { recorded.append(event) }
    }
}

/// A reporter signing as GitHub does, with a test key.
struct TestReporter {
    static let keysURL = "http://127.0.0.1:1/public_keys"
    let key = P256.Signing.PrivateKey()
    let keyID = "test-key-" + UUID().uuidString

    var keysDocument: [UInt8] {
        let entry: [String: Any] = ["key_identifier": keyID, "key": key.publicKey.pemRepresentation, "is_current": true]
        return Array(try! JSONSerialization.data(withJSONObject: ["public_keys": [entry]]))
    }

    func sign(_ body: [UInt8]) -> String {
        try! key.signature(for: body).derRepresentation.base64EncodedString()
    }

    static func report(_ entries: [(token: String, url: String)], type: String = "pypi_api_token") -> [UInt8] {
        let array = entries.map { ["token": $0.token, "type": type, "url": $0.url, "source": "content"] }
        return Array(try! JSONSerialization.data(withJSONObject: array))
    }
}

@Suite struct LeakReportTests {
    let reporter = TestReporter()
    let now: Int64 = 1_800_000_000

    struct Setup {
        let store: InMemoryTokenStore
        let hook: RecordingHook
        let fetcher: MemoryFetcher
        let endpoint: LeakReportEndpoint
    }

    func setup() -> Setup {
        let fetcher = MemoryFetcher([TestReporter.keysURL: reporter.keysDocument])
        let store = InMemoryTokenStore()
        let hook = RecordingHook()
        let now = self.now
        let endpoint = LeakReportEndpoint(
            verifier: SignedReportVerifier(keys: ReporterKeys(url: TestReporter.keysURL, fetcher: fetcher)),
            processor: LeakReportProcessor(store: store, hook: hook), clock: { now })
        return Setup(store: store, hook: hook, fetcher: fetcher, endpoint: endpoint)
    }

    func post(_ setup: Setup, _ body: [UInt8], keyID: String?, signature: String?) async throws -> LeakReportResponse {
        switch try await setup.endpoint.authenticate(keyIdentifier: keyID, signature: signature) {
        case .failure(let response): return response
        case .success(let pending): return try await setup.endpoint.handle(body: body, signature: pending).response
        }
    }

    func mint(_ store: InMemoryTokenStore, _ owner: TokenOwner = .user(id: "alice"), name: String = "ci") async throws -> MintedStoredToken {
        try await store.mint(NewToken(owner: owner, name: name, location: "pypi.org"), now: now)
    }

    @Test func aSignedReportRevokesOurTokensAndCallsTheHook() async throws {
        let setup = setup()
        let leaked = try await mint(setup.store)
        let kept = try await mint(setup.store, name: "kept")
        let body = TestReporter.report([(leaked.token, "https://github.example/octo/repo/blob/main/.pypirc"), ("pypi-AgEIcHlwaS5vcmc", "https://x")])
        let response = try await post(setup, body, keyID: reporter.keyID, signature: reporter.sign(body))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(try await setup.store.token(id: leaked.info.id) == nil)
        #expect(try await setup.store.token(id: kept.info.id) != nil)
        #expect(setup.hook.events.map(\.token.id) == [leaked.info.id])
        #expect(setup.hook.events.first?.url == "https://github.example/octo/repo/blob/main/.pypirc")
        #expect(setup.hook.events.first?.source == "content")
        #expect(setup.hook.events.first?.reporter == "GitHub")
        // The same report again: nothing left to revoke, still 204.
        #expect(try await post(setup, body, keyID: reporter.keyID, signature: reporter.sign(body)).status == 204)
        #expect(setup.hook.events.count == 1)
    }

    @Test func refusedReportsChangeNothing() async throws {
        let setup = setup()
        let leaked = try await mint(setup.store)
        let body = TestReporter.report([(leaked.token, "https://x")])
        let otherKey = TestReporter()
        var tampered = body
        tampered[tampered.count - 3] ^= 1
        let notArray = Array(#"{"token":"x"}"#.utf8)
        let cases: [([UInt8], String?, String?, Int)] = [
            (body, nil, reporter.sign(body), 404),
            (body, reporter.keyID, nil, 404),
            (body, "unknown-key", reporter.sign(body), 400),
            (body, reporter.keyID, "not base64!", 400),
            (body, reporter.keyID, Data("not DER".utf8).base64EncodedString(), 400),
            (body, reporter.keyID, otherKey.sign(body), 400),
            (tampered, reporter.keyID, reporter.sign(body), 400),
            (Array("not json".utf8), reporter.keyID, reporter.sign(Array("not json".utf8)), 400),
            (notArray, reporter.keyID, reporter.sign(notArray), 400),
        ]
        for (request, keyID, signature, status) in cases {
            let response = try await post(setup, request, keyID: keyID, signature: signature)
            #expect(response.status == status)
        }
        let big = [UInt8](repeating: 0x20, count: 1024 * 1024 + 1)
        #expect(try await post(setup, big, keyID: reporter.keyID, signature: reporter.sign(big)).status == 413)
        #expect(try await setup.store.token(id: leaked.info.id) != nil)
        #expect(setup.hook.events.isEmpty)
    }

    @Test func forgedOrForeignEntriesAreIgnored() async throws {
        let setup = setup()
        let leaked = try await mint(setup.store)
        // Same identifier, another key: a forgery revokes nothing.
        let forged = try ServiceToken(
            prefix: "pypi", location: "pypi.org", identifier: leaked.info.id, secret: Array(repeating: 7, count: 32)).string
        let otherType = TestReporter.report([(leaked.token, "https://x")], type: "github_token")
        let forgedReport = TestReporter.report([(forged, "https://x")])
        let malformedEntries = Array(#"[1, {"token": 2}, {"type": "pypi_api_token"}, null]"#.utf8)
        for body in [otherType, forgedReport, malformedEntries] {
            #expect(try await post(setup, body, keyID: reporter.keyID, signature: reporter.sign(body)).status == 204)
        }
        #expect(try await setup.store.token(id: leaked.info.id) != nil)
        #expect(setup.hook.events.isEmpty)
    }

    @Test func keysAreCachedAndRefetchedForUnknownIdsAtMostOncePerFloor() async throws {
        let fetcher = MemoryFetcher([TestReporter.keysURL: reporter.keysDocument])
        let keys = ReporterKeys(url: TestReporter.keysURL, fetcher: fetcher)
        #expect(try await keys.key(id: reporter.keyID, now: now) != nil)
        #expect(try await keys.key(id: reporter.keyID, now: now + 100) != nil)
        #expect(fetcher.count(TestReporter.keysURL) == 1)
        // Made-up ids: one fetch per ten minutes at most (api.github.com allows 60 an hour).
        for second in stride(from: Int64(101), to: 600, by: 7) {
            #expect(try await keys.key(id: "unknown-\(second)", now: now + second) == nil)
        }
        #expect(fetcher.count(TestReporter.keysURL) == 1)
        #expect(try await keys.key(id: "unknown", now: now + 600) == nil)
        #expect(fetcher.count(TestReporter.keysURL) == 2)
        // Rotated: the new key is fetched after the floor; the cache expires after 30 minutes.
        let rotated = TestReporter()
        fetcher.set(TestReporter.keysURL, rotated.keysDocument)
        #expect(try await keys.key(id: rotated.keyID, now: now + 1200) != nil)
        #expect(fetcher.count(TestReporter.keysURL) == 3)
        #expect(try await keys.key(id: reporter.keyID, now: now + 1201) == nil)
    }

    @Test func unreachableKeysAreAnOperationalFailure() async throws {
        let keys = ReporterKeys(url: TestReporter.keysURL, fetcher: MemoryFetcher([:]))
        await #expect(throws: DocumentFetchError.self) { try await keys.key(id: "k", now: now) }
        let malformed = ReporterKeys(
            url: TestReporter.keysURL, fetcher: MemoryFetcher([TestReporter.keysURL: Array(#"{"public_keys": "no"}"#.utf8)]))
        await #expect(throws: DocumentFetchError.self) { try await malformed.key(id: "k", now: now) }
    }

    @Test func oddEntriesOfTheKeysDocumentAreSkipped() async throws {
        let rsaPEM = "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END PUBLIC KEY-----"
        let entries: [[String: Any]] = [
            ["key_identifier": 7, "key": reporter.key.publicKey.pemRepresentation],
            ["key": reporter.key.publicKey.pemRepresentation],
            ["key_identifier": "rsa", "key": rsaPEM],
            ["key_identifier": "garbage", "key": "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----"],
            ["key_identifier": reporter.keyID, "key": reporter.key.publicKey.pemRepresentation, "is_current": true],
        ]
        let document = Array(try JSONSerialization.data(withJSONObject: ["public_keys": entries]))
        let keys = ReporterKeys(url: TestReporter.keysURL, fetcher: MemoryFetcher([TestReporter.keysURL: document]))
        #expect(try await keys.key(id: reporter.keyID, now: now) != nil)
        #expect(try await keys.key(id: "rsa", now: now) == nil)
    }

    @Test func parsingKeepsWellFormedEntriesWithinLimits() throws {
        let body = Array(#"[{"token":"pypi-a","type":"t","url":"u","source":"s"},{"token":"pypi-b","type":"t","url":"u"},7]"#.utf8)
        let (entries, skipped) = try LeakReport.parse(body)
        #expect(entries == [LeakReport(token: "pypi-a", type: "t", url: "u", source: "s"), LeakReport(token: "pypi-b", type: "t", url: "u")])
        #expect(skipped == 1)
        #expect(!"\(entries[0])".contains("pypi-a"))
        // The URL is copied from a stranger's file: escaped and capped when described.
        let hostile = LeakReport(token: "pypi-c", type: "t\n", url: "https://x/\u{1B}]0;pwned\u{07}\n\u{202E}" + String(repeating: "y", count: 5000))
        let described = "\(hostile)"
        #expect(!described.unicodeScalars.contains { [0x0A, 0x07, 0x1B, 0x202E].contains($0.value) }, "\(described)")
        #expect(described.utf8.count < 400 && !described.contains("pypi-c"))
        let many = Array(("[" + Array(repeating: "1", count: 1001).joined(separator: ",") + "]").utf8)
        #expect(throws: LeakReport.FormatError.self) { try LeakReport.parse(many) }
        let deep = Array((String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)).utf8)
        #expect(throws: LeakReport.FormatError.self) { try LeakReport.parse(deep, limits: .init(maxBodyBytes: 100_000)) }
    }
}
#endif
