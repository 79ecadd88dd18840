import Foundation
import Macaroons
@testable import MacaroonTool
import MacaroonTokens
import Testing
@testable import _MacaroonInternals

/// Issue 13 through the tool: extreme times, terminal escapes, oversized output.
@Suite("The tool on hostile tokens", .serialized)
struct HostileInputToolTests {
    static let boundaries: [Int64] = [.min, .min + 1, -86_400, -86_399, -1, 0, 1, 86_399, .max - 1, .max]

    /// A token carrying `caveats` as written, restricted by the tool itself.
    static func token(caveats: [String]) throws -> String {
        let result = try ToolRunner.run(["restrict"] + caveats.flatMap { ["--caveat", $0] } + [try ToolTests.mint()])
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `text` holds nothing a terminal would act on.
    static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) || $0.properties.generalCategory == .format }
    }

    @Test("relative times between any two Int64 values")
    func relativeText() {
        for time in Self.boundaries {
            for now in Self.boundaries {
                let text = UnixTime.relative(time, now: now)
                #expect(text.hasPrefix("in ") == (time >= now), "\(text)")
            }
        }
        #expect(UnixTime.relative(.max, now: .min) == "in 213503982334601 days")
        #expect(UnixTime.relative(.min, now: .max) == "213503982334601 days ago")
    }

    @Test("inspect's words and JSON for every boundary window, tagged and legacy, at every boundary now (in process)")
    func inspectionSweep() throws {
        let key = MacaroonKey(derivingFrom: [UInt8](repeating: 1, count: 32))
        for expiresAt in Self.boundaries {
            for notBefore in Self.boundaries where notBefore < expiresAt {
                let caveats = ["[0,\(expiresAt),\(notBefore)]", #"{"exp":\#(expiresAt),"nbf":\#(notBefore)}"#]
                let macaroon = caveats.reduce(Macaroon(key: key, identifier: "t".utf8)) { $0.addingFirstPartyCaveat($1.utf8) }
                let presented = try PresentedToken(bytes: Array(try ServiceToken(prefix: "pypi", macaroon: macaroon).string.utf8))
                for now in Self.boundaries {
                    let inspection = Inspection(token: presented, now: now)
                    let words = inspection.text
                    #expect(words.contains("expires \(UnixTime.format(expiresAt)) (\(UnixTime.relative(expiresAt, now: now)))"))
                    #expect(words.contains("valid from \(UnixTime.format(notBefore))"))
                    #expect(inspection.json.text.contains("\"expires_at\":\(expiresAt)"))
                }
            }
        }
    }

    @Test("--not-before plus --ttl at every boundary: the sum, or an error, never a trap (in process)")
    func restrictionSweep() throws {
        let starts: [Int64] = [0, 1, 86_399, .max - 86_400, .max - 1, .max]
        for start in starts {
            for ttl in ["1s", "86399s", "1d", "106751991167300d"] {
                let duration = try TimeParsing.duration(ttl)
                let options = try RestrictionOptions.parse(["--not-before", "\(start)", "--ttl", ttl])
                let (sum, overflow) = start.addingReportingOverflow(duration)
                do {
                    let caveats = try options.caveats(now: 0)
                    #expect(!overflow)
                    #expect(caveats == [try ExpirationCaveat(expiresAt: sum, notBefore: start).encoded])
                } catch let error as ToolError {
                    #expect(overflow, "\(error.message)")
                }
            }
        }
    }

    @Test("inspect and verify on every boundary window, tagged and legacy, in words and JSON")
    func inspectAndVerifyBoundaries() throws {
        let windows = [(Int64.min + 1, Int64.min), (Int64.max, Int64.max - 1), (Int64.max, Int64.min), (0, -1), (86_399, -86_399)]
        let caveats = windows.flatMap { window in
            ["[0,\(window.0),\(window.1)]", #"{"exp":\#(window.0),"nbf":\#(window.1)}"#]
        }
        let token = try Self.token(caveats: caveats)
        let text = try ToolRunner.run(["inspect", token])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("expires 292277026596-12-04 15:30:07 UTC"))
        #expect(text.standardOutput.contains("valid from -292277022657-01-27 08:29:52 UTC"))
        let json = ToolRunner.json(try ToolRunner.run(["inspect", "--json", token]))
        let decoded = (json["caveats"] as? [[String: Any]] ?? []).compactMap { $0["decoded"] as? [String: Any] }
        #expect(decoded.count == caveats.count)
        #expect((decoded.first?["not_before"] as? NSNumber)?.int64Value == Int64.min)
        for now in ["0", "9223372036854775807"] {
            let verdict = try ToolRunner.run(["verify", "--key-hex", ToolTests.keyHex, "--now", now, token])
            #expect(verdict.status == 1, "\(verdict.standardError)")
            #expect(verdict.standardOutput.contains("token is"))
        }
    }

    @Test("restrict refuses windows past Int64.max with exit 2")
    func restrictOverflow() throws {
        let token = try ToolTests.mint()
        ToolTests.expectUsageError(try ToolRunner.run(["restrict", "--ttl", "106751991167300d", token]), containing: "past the largest time")
        ToolTests.expectUsageError(try ToolRunner.run(["restrict", "--not-before", "9223372036854775000", "--ttl", "1000s", token]),
                                   containing: "9223372036854775807")
        #expect(try ToolRunner.run(["restrict", "--not-before", "9223372036854775000", "--ttl", "807s", token]).status == 0)
    }

    @Test("restrict refuses a token over the verifier's 64 KiB limit")
    func restrictSizeLimit() throws {
        let token = try ToolTests.mint()
        let big = String(repeating: "x", count: 30_000)
        let once = try ToolRunner.run(["restrict", "--caveat", big, token])
        #expect(once.status == 0)
        ToolTests.expectUsageError(try ToolRunner.run(["restrict", "--caveat", big, "--caveat", big, token]), containing: "65536")
    }

    @Test("terminal escapes in a v2 JSON member name, in fields and in caveats are never printed raw")
    func terminalEscapes() throws {
        let attack = "\u{1B}]0;pwned\u{07}\u{1B}[2J"
        let name = String(decoding: JSONWriter.write(.string(attack)), as: UTF8.self)
        let signature = Base64.encode([UInt8](repeating: 0, count: 32))
        for member in [#"{"i":"k",\#(name):1,"s64":"\#(signature)"}"#, #"{"i":"k","i":"k","s64":"\#(signature)",\#(name):1}"#] {
            let result = try ToolRunner.run(["inspect", member])
            ToolTests.expectUsageError(result, containing: "invalid macaroon")
            #expect(Self.isSafe(result.standardError), "\(result.standardError)")
        }
        // A macaroon whose location, identifier and caveats hold every kind of attack.
        let attacks = [attack, "\u{9B}2J", "\u{202E}exe.txt", "a\u{2028}b", "\u{7F}"]
        var macaroon = Macaroon(key: MacaroonKey(derivingFrom: Hex.decode(ToolTests.keyHex) ?? []), identifier: attacks.joined().utf8, location: attack.utf8)
        for piece in attacks {
            let quoted = String(decoding: JSONWriter.write(.string(piece)), as: UTF8.self)
            for caveat in [piece, "[1,[\(quoted)]]", "[3,\(quoted)]", "[9,\(quoted)]"] {
                macaroon = macaroon.addingFirstPartyCaveat(caveat.utf8)
            }
        }
        let token = try ServiceToken(prefix: "pypi", macaroon: macaroon).string
        for format in [token, try macaroon.encodedString(as: .v2JSON), try macaroon.encodedString(as: .v1)] {
            let text = try ToolRunner.run(["inspect", format])
            #expect(text.status == 0, "\(text.standardError)")
            #expect(Self.isSafe(text.standardOutput), "\(text.standardOutput)")
            let json = try ToolRunner.run(["inspect", "--json", format])
            #expect(json.standardOutput.unicodeScalars.allSatisfy { $0.isASCII && ($0.value >= 0x20 || $0 == "\n") })
            #expect(ToolRunner.json(json)["location"] as? String == attack)
        }
        let verdict = try ToolRunner.run(["verify", "--key-hex", ToolTests.keyHex, "--project", attack, "--user-id", attack, token])
        #expect(verdict.status == 1)
        #expect(Self.isSafe(verdict.standardOutput), "\(verdict.standardOutput)")
        let verdictJSON = try ToolRunner.run(["verify", "--json", "--key-hex", ToolTests.keyHex, "--project", attack, token])
        #expect(verdictJSON.standardOutput.unicodeScalars.allSatisfy { $0.isASCII && ($0.value >= 0x20 || $0 == "\n") })
        let restricted = try ToolRunner.run(["restrict", "--project", "p", try macaroon.encodedString(as: .v2JSON)])
        #expect(restricted.status == 0)
        #expect(restricted.standardOutput.unicodeScalars.allSatisfy { $0.isASCII && ($0.value >= 0x20 || $0 == "\n") })
        #expect(try Macaroon(decoding: restricted.standardOutput.trimmingCharacters(in: .newlines).utf8).location == ArraySlice(attack.utf8))
    }

    /// Adversarial review: a token or key given in the wrong place came back in full in the error
    /// line (ArgumentParser's "Unexpected argument '…'", "'…' is not a time"), so into CI logs.
    @Test("error lines never echo a token or a key given in the wrong place")
    func errorsRedactSecrets() throws {
        let token = try ToolTests.mint()
        let key = ToolTests.keyHex
        let plain = try Macaroon(key: MacaroonKey(derivingFrom: Array(repeating: 1, count: 32)), identifier: "i".utf8).encodedString(as: .v2)
        for arguments in [["inspect", token, token], ["verify", "--key-hex", key, "--now", token, token], ["verify", key, token],
                          ["inspect", plain, plain], ["verify", "--key-hex", key, "--now", key, token]] {
            let result = try ToolRunner.run(arguments)
            #expect(result.status == 2)
            for secret in [token, key, plain] {
                #expect(!result.standardError.contains(String(secret.suffix(30))), "\(result.standardError)")
            }
            #expect(result.standardError.contains("<redacted"), "\(result.standardError)")
        }
        // Short values and paths are still named.
        let missing = try ToolRunner.run(["inspect", "--file", "/no/such/dir/token-file.txt"])
        #expect(missing.standardError.contains("/no/such/dir/token-file.txt"))
        #expect(try ToolRunner.run(["verify", "--key-hex", key, "--now", "tomorrow", token]).standardError.contains("'tomorrow'"))
    }
}
