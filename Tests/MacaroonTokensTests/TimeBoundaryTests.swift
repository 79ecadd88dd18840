import Macaroons
import Testing
@testable import MacaroonTokens
@testable import _MacaroonInternals

/// The 64-bit boundaries every time field is swept across (issue 13.1: the
/// fuzzers never wrote these exact 19-digit values behind a valid signature).
enum TimeBoundaries {
    static let values: [Int64] = [
        .min, .min + 1, .min + 86_399, .min + 86_400, -86_400, -86_399, -1, 0, 1, 86_399, 86_400,
        1_800_000_000, .max - 86_400, .max - 86_399, .max - 1, .max,
    ]

    /// Numbers that are not 64-bit integers, as a token holder may write them.
    static let outOfRange = [
        "9223372036854775808", "-9223372036854775809", "10000000000000000000", "-10000000000000000000",
        "1e400", "-1e400", "1.0", "-0.0", "1e3", "0.5",
    ]

    static let secret = [UInt8](repeating: 9, count: 32)
    static let key = MacaroonKey(derivingFrom: secret)

    /// A correctly signed token whose only caveat is `caveat`.
    static func token(_ caveat: String) throws -> ServiceToken {
        try ServiceToken(prefix: "pypi", macaroon: Macaroon(key: key, identifier: "t".utf8).addingFirstPartyCaveat(caveat.utf8))
    }

    /// The tagged and the legacy spelling of one validity window.
    static func forms(expiresAt: String, notBefore: String) -> [String] {
        ["[0,\(expiresAt),\(notBefore)]", #"{"exp":\#(expiresAt),"nbf":\#(notBefore)}"#, #"{"nbf":\#(notBefore),"exp":\#(expiresAt)}"#]
    }
}

@Suite("Times at the 64-bit boundaries")
struct TimeBoundaryTests {
    @Test("UnixTime formats every Int64, with exact dates at the ends")
    func formatsEveryInt64() {
        #expect(UnixTime.format(.max) == "292277026596-12-04 15:30:07 UTC")
        #expect(UnixTime.format(.min) == "-292277022657-01-27 08:29:52 UTC")
        #expect(UnixTime.format(.min + 1) == "-292277022657-01-27 08:29:53 UTC")
        #expect(UnixTime.format(-1) == "1969-12-31 23:59:59 UTC")
        #expect(UnixTime.format(-86_400) == "1969-12-31 00:00:00 UTC")
        #expect(UnixTime.format(-86_399) == "1969-12-31 00:00:01 UTC")
        #expect(UnixTime.format(0) == "1970-01-01 00:00:00 UTC")
        #expect(UnixTime.format(86_399) == "1970-01-01 23:59:59 UTC")
        for value in TimeBoundaries.values {
            #expect(UnixTime.format(value).hasSuffix(" UTC"))
        }
    }

    @Test("formatting agrees with the calendar inverse on random days across the whole range")
    func formatMatchesInverse() {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: .min ... .max, using: &random)
            var (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
            if secondOfDay < 0 { days -= 1; secondOfDay += 86_400 }
            let (year, month, day) = UnixTime.civilDate(daysSinceEpoch: days)
            #expect(UnixTime.daysSinceEpoch(year: year, month: month, day: day) == days)
            #expect(UnixTime.format(seconds).hasPrefix("\(year)-"))
        }
    }

    @Test("the reported crash: [0,-9223372036854775807,-9223372036854775808] behind a valid signature")
    func reportedCrash() throws {
        let token = try TimeBoundaries.token("[0,-9223372036854775807,-9223372036854775808]")
        let verdict = UploadTokenVerifier().verify(token, key: TimeBoundaries.key, request: UploadRequest(now: 1_800_000_000))
        #expect(verdict.reasons.map(\.message) == ["token is expired (expired at -292277022657-01-27 08:29:53 UTC)"])
    }

    @Test("every window of boundary times, tagged and legacy, through the verifier and the summary")
    func sweepWindows() throws {
        let verifier = UploadTokenVerifier()
        for expiresAt in TimeBoundaries.values {
            for notBefore in TimeBoundaries.values {
                for caveat in TimeBoundaries.forms(expiresAt: "\(expiresAt)", notBefore: "\(notBefore)") {
                    let token = try TimeBoundaries.token(caveat)
                    guard notBefore < expiresAt else {
                        let verdict = verifier.verify(token, key: TimeBoundaries.key, request: UploadRequest(now: 0))
                        #expect(verdict.reasons.map(\.code) == [.invalidCaveat], "\(caveat)")
                        continue
                    }
                    let decoded = try CaveatLanguage.pypi.decode(ArraySlice(caveat.utf8))
                    #expect(decoded.summary == "valid from \(UnixTime.format(notBefore)) until \(UnixTime.format(expiresAt))")
                    for now in TimeBoundaries.values {
                        let verdict = verifier.verify(token, key: TimeBoundaries.key, request: UploadRequest(now: now))
                        if notBefore <= now && now < expiresAt {
                            #expect(verdict == .allowed, "\(caveat) at \(now)")
                        } else {
                            let expected = now >= expiresAt
                                ? "token is expired (expired at \(UnixTime.format(expiresAt)))"
                                : "token is not yet valid (valid from \(UnixTime.format(notBefore)))"
                            #expect(verdict.reasons.map(\.message) == [expected], "\(caveat) at \(now)")
                        }
                    }
                }
            }
        }
    }

    @Test("numbers past 64 bits or with a fraction or exponent are invalid caveats, in either field and form", arguments: TimeBoundaries.outOfRange)
    func outOfRange(number: String) throws {
        let verifier = UploadTokenVerifier()
        for caveat in TimeBoundaries.forms(expiresAt: number, notBefore: "0") + TimeBoundaries.forms(expiresAt: "1", notBefore: number) {
            let verdict = verifier.verify(try TimeBoundaries.token(caveat), key: TimeBoundaries.key, request: UploadRequest(now: 0))
            #expect(verdict.reasons.map(\.code) == [.invalidCaveat], "\(caveat)")
            #expect(verdict.reasons.first?.message.contains("must be an integer") == true, "\(verdict.reasons)")
        }
    }

    @Test("-0 is the integer 0, as in Python")
    func negativeZero() throws {
        for caveat in TimeBoundaries.forms(expiresAt: "1", notBefore: "-0") {
            let token = try TimeBoundaries.token(caveat)
            #expect(UploadTokenVerifier().verify(token, key: TimeBoundaries.key, request: UploadRequest(now: 0)) == .allowed)
        }
    }
}
