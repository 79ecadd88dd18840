#if Hummingbird
import Logging
import Macaroons
import MacaroonServerTestSupport
@testable import MacaroonServerSupport
import MacaroonTokens
import MetricsTestKit
import Testing

/// What the hot-path change (lookups timed only for a real metrics factory, the scheme read on
/// contiguous bytes, revalidated tokens sharing their verified part) must keep.
@Suite("Authentication hot path: metrics, scheme and remembered tokens as before")
struct AuthenticationHotPathTests {
    @Test("with a real metrics factory every store lookup is timed: first, remembered, unknown, revoked")
    func everyLookupTimed() async throws {
        let fixture = try await Fixture()
        let store = AuthenticatedTokenCacheTests.SwitchingStore(fixture.store)
        let metrics = TestMetrics()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: store, owners: AuthenticatedTokenCacheTests.SwitchingOwners(),
            logger: Logger(label: "test"), metricsFactory: metrics)
        for _ in 0..<3 { _ = try await authentication.authenticate(authorizationHeader: "Bearer \(fixture.accountToken)") }
        for token in [fixture.forgedToken, fixture.revokedToken, fixture.foreignToken] {
            _ = try? await authentication.authenticate(authorizationHeader: "Bearer \(token)")
        }
        // Malformed: never looked up, never timed.
        _ = try? await authentication.authenticate(authorizationHeader: "Bearer pypi-%%%")
        let lookups = store.lookups.withLock { $0 }
        #expect(lookups >= 5)
        #expect(try metrics.expectTimer(TokenAuthenticationMetrics.lookupDurationLabel).values.count == lookups)
    }

    @Test("revalidated copies of one remembered token keep their own record and owner status")
    func revalidatedCopiesAreIndependent() async throws {
        let fixture = try await Fixture()
        let owners = AuthenticatedTokenCacheTests.SwitchingOwners()
        let authentication = TokenAuthentication(
            verifier: fixture.verifier, store: fixture.store, owners: owners, logger: Logger(label: "test"), metricsFactory: TestMetrics())
        let header = "Bearer \(fixture.accountToken)"
        let first = try #require(try await authentication.authenticate(authorizationHeader: header))
        let second = try #require(try await authentication.authenticate(authorizationHeader: header))
        owners.disabled.withLock { $0 = true }
        await #expect(throws: TokenRefusal.self) { try await authentication.authenticate(authorizationHeader: header) }
        // The earlier requests' tokens are unchanged by the later request.
        #expect(first.token.ownerDenial == nil && second.token.ownerDenial == nil)
        #expect(first.token.ownerStatus == second.token.ownerStatus)
        #expect(try second.authorize(project: Fixture.project).isAllowed)
    }

    /// `AuthorizationScheme(header:)` as of 5f281db, on the header's `UTF8View`.
    static func referenceScheme(_ header: (some StringProtocol)?) -> AuthorizationScheme {
        guard let header else { return .none }
        var word = header.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if let end = word.firstIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
            word = word[..<end]
        }
        func equals(_ name: String) -> Bool {
            word.count == name.utf8.count && zip(word, name.utf8).allSatisfy { byte, letter in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 == letter : byte == letter
            }
        }
        return equals("basic") ? .basic : equals("bearer") ? .bearer : equals("token") ? .token : .other
    }

    @Test("the scheme of a header is the same on contiguous bytes, for strings and slices of larger strings")
    func schemeAsBefore() {
        let pieces = ["Bearer", "bEARER", "token", "Basic", "BASIC", "basic\u{301}", "\u{212A}", " ", "\t", "\r\n", "\u{A0}", "\u{600}", "x", "\u{1F600}", "pypi-abc"]
        var state: UInt64 = 0x5C4E_3E5
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<20_000 {
            let text = (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined()
            let before = pieces[next(pieces.count)]
            let padded = before + text + pieces[next(pieces.count)]
            let lower = padded.utf8.index(padded.utf8.startIndex, offsetBy: before.utf8.count)
            let slice = padded[lower..<padded.utf8.index(lower, offsetBy: text.utf8.count)]
            let expected = Self.referenceScheme(text)
            #expect(AuthorizationScheme(header: text) == expected, "\(text.debugDescription)")
            #expect(AuthorizationScheme(header: text[...]) == expected, "\(text.debugDescription)")
            #expect(AuthorizationScheme(header: slice) == expected, "\(padded.debugDescription)")
        }
        #expect(AuthorizationScheme(header: String?.none) == .none)
    }
}
#endif
