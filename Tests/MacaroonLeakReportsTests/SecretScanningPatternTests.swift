#if LeakReports
import Foundation
import MacaroonTokens
import Testing

/// The pattern registered with secret scanners must match every token the server
/// mints, whole, and nothing in other vendors' token formats.
@Suite struct SecretScanningPatternTests {
    static let location = "pypi.org"
    static let patterns = [
        ServiceToken.secretScanningPattern(prefix: "pypi", location: location),
        ServiceToken.secretScanningPattern(prefix: "pypi"),
    ]

    @Test func matchesEveryMintedToken() async throws {
        let store = InMemoryTokenStore()
        var generator = SystemRandomNumberGenerator()
        let regexes = try Self.patterns.map { try Regex($0) }
        for index in 0..<300 {
            let owner: TokenOwner = index.isMultiple(of: 2)
                ? .user(id: UUID().uuidString) : .trustedPublisher(id: String(repeating: "p", count: Int.random(in: 1...64, using: &generator)))
            var caveats: [any TaggedUploadCaveat] = []
            if Bool.random(using: &generator) { caveats.append(try ProjectIDsCaveat((0..<Int.random(in: 1...5)).map { _ in UUID().uuidString })) }
            if Bool.random(using: &generator) { caveats.append(try ProjectNamesCaveat(["sample-\(index)"])) }
            let expires: Int64? = Bool.random(using: &generator) ? 1_800_000_000 + Int64(index) : nil
            let minted = try await store.mint(
                NewToken(owner: owner, name: "t\(index)", caveats: caveats, expires: expires, location: Self.location),
                now: 1_700_000_000)
            for regex in regexes {
                #expect(try regex.wholeMatch(in: minted.token) != nil, "\(minted.info.id)")
                // Inside text, as scanners see it: the whole token is the match.
                let text = "password = \(minted.token)\n"
                #expect(try regex.firstMatch(in: text).map { String(text[$0.range]) } == minted.token)
            }
        }
    }

    @Test func matchesNothingInOtherVendorsFormats() throws {
        let random = { (alphabet: String, count: Int) -> String in
            String((0..<count).map { _ in alphabet.randomElement()! })
        }
        let alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        let b64url = alnum + "-_"
        var corpus: [String] = []
        for _ in 0..<50 {
            corpus += [
                "ghp_" + random(alnum, 36), "github_pat_" + random(alnum + "_", 82), "gho_" + random(alnum, 36),
                "glpat-" + random(b64url, 20), "AKIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                "xoxb-" + random("0123456789", 12) + "-" + random(alnum, 24), "sk_live_" + random(alnum, 99),
                "npm_" + random(alnum, 36), "AIza" + random(b64url, 35), "sk-" + random(alnum, 48),
                "rubygems_" + random("0123456789abcdef", 48), "dop_v1_" + random("0123456789abcdef", 64),
                "eyJhbGciOiJSUzI1NiJ9." + random(b64url, 120) + "." + random(b64url, 200),
                "SG." + random(b64url, 22) + "." + random(b64url, 43), "hf_" + random(alnum, 34),
                // Near misses: another prefix, another location, no prefix, too short.
                "pypj-AgEIcHlwaS5vcmcC" + random(b64url, 120), "AgEIcHlwaS5vcmcC" + random(b64url, 120),
                "pypi-AgEIcHlwaS5vcm" + random(b64url, 20), "pypi-" + random(alnum, 40), "pypi_" + random(b64url, 120),
            ]
        }
        for pattern in Self.patterns {
            let regex = try Regex(pattern)
            for sample in corpus {
                #expect(try regex.firstMatch(in: sample) == nil, "\(pattern) matched \(sample.prefix(24))…")
            }
        }
        // The location-specific pattern also refuses another location's tokens.
        let other = try ServiceToken.mint(location: "test.pypi.org", identifier: "x").token.string
        #expect(try Regex(Self.patterns[0]).firstMatch(in: other) == nil)
    }
}
#endif
