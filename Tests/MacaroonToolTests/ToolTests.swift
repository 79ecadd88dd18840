import Foundation
import Macaroons
import MacaroonTokens
import Testing
@testable import _MacaroonInternals

@Suite("The macaroon tool, end to end", .serialized)
struct ToolTests {
    static let keyHex = String(repeating: "ab", count: 32)
    static let identifier = "0b0e0c6a-1d3e-4e5f-8a9b-0c1d2e3f4a5b"

    static func mint(_ extra: [String] = []) throws -> String {
        let result = try ToolRunner.run(["mint", "--identifier", identifier, "--location", "pypi.org", "--key-hex", keyHex] + extra)
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Checks a failure: exit 2, one line on standard error, nothing like a backtrace.
    static func expectUsageError(_ result: ToolRunner.Result, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 2, sourceLocation: sourceLocation)
        #expect(result.standardError.hasPrefix("macaroon: error: "), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains(text), "\(result.standardError)", sourceLocation: sourceLocation)
        #expect(!result.standardError.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    @Test func keygen() throws {
        let result = try ToolRunner.run(["keygen"])
        #expect(result.status == 0)
        let key = result.standardOutput.trimmingCharacters(in: .newlines)
        #expect(key.count == 64 && Hex.decode(key)?.count == 32)
        #expect(try ToolRunner.run(["keygen"]).standardOutput != result.standardOutput)
    }

    @Test("mint, then inspect --json field by field")
    func mintAndInspectJSON() throws {
        let token = try Self.mint(["--project", "Foo_Bar", "--project-id", "p1", "--user-id", "u1",
                                   "--not-before", "1700000000", "--expires", "2030-03-17T17:46:40Z", "--caveat", "custom = 1"])
        #expect(token.hasPrefix("pypi-AgEIcHlwaS5vcmcC"))
        let custom = try Self.mint(["--prefix", "testpypi2"])
        #expect(custom.hasPrefix("testpypi2-AgEI"))
        #expect(ToolRunner.json(try ToolRunner.run(["inspect", "--json", custom]))["prefix"] as? String == "testpypi2")
        #expect(try ToolRunner.run(["verify", "--key-hex", Self.keyHex, custom]).status == 0)
        let json = ToolRunner.json(try ToolRunner.run(["inspect", "--json", "--show-signature", token]))
        #expect(json["prefix"] as? String == "pypi")
        #expect(json["format"] as? String == "service-token")
        #expect(json["location"] as? String == "pypi.org")
        #expect(json["location_hex"] as? String == "707970692e6f7267")
        #expect(json["identifier"] as? String == Self.identifier)
        #expect(json["identifier_hex"] as? String == Hex.encode(Self.identifier.utf8))
        let caveats = json["caveats"] as? [[String: Any]] ?? []
        #expect(caveats.map { $0["id"] as? String } == [
            "[0,1900000000,1700000000]", #"[1,["foo-bar"]]"#, #"[2,["p1"]]"#, #"[3,"u1"]"#, "custom = 1",
        ])
        #expect(caveats.allSatisfy { $0["kind"] as? String == "first-party" && $0["location"] is NSNull })
        #expect(caveats.first?["id_hex"] as? String == Hex.encode("[0,1900000000,1700000000]".utf8))
        let decoded = caveats.map { $0["decoded"] as? [String: Any] }
        #expect(decoded[0]?["type"] as? String == "expiration")
        #expect(decoded[0]?["expires_at"] as? Int == 1_900_000_000)
        #expect(decoded[0]?["not_before"] as? Int == 1_700_000_000)
        #expect(decoded[1]?["names"] as? [String] == ["foo-bar"])
        #expect(decoded[2]?["ids"] as? [String] == ["p1"])
        #expect(decoded[3]?["user_id"] as? String == "u1")
        #expect(caveats[4]["decoded"] is NSNull)
        let signature = json["signature_hex"] as? String ?? ""
        #expect(signature.count == 64)
        #expect(try ServiceToken(parsing: token).macaroon.signature.hexString == signature)
    }

    /// Adversarial review: `inspect` printed the signature, and with the identifier and caveats it
    /// also printed, that is the bearer token itself, in a form (hex) that CI log masking and
    /// secret scanning do not recognise. It is redacted unless asked for.
    @Test("inspect does not print the signature unless --show-signature")
    func inspectRedactsSignature() throws {
        let token = try Self.mint(["--project", "foo"])
        let signature = try ServiceToken(parsing: token).macaroon.signature.hexString
        for arguments in [["inspect", token], ["inspect", "--json", token]] {
            let result = try ToolRunner.run(arguments)
            #expect(result.status == 0)
            #expect(!result.standardOutput.contains(signature) && !result.standardOutput.contains(String(signature.prefix(16))))
            #expect(!result.standardOutput.contains(token))
        }
        #expect(ToolRunner.json(try ToolRunner.run(["inspect", "--json", token]))["signature_hex"] is NSNull)
        #expect(try ToolRunner.run(["inspect", token]).standardOutput.contains("signature:  <redacted>"))
        #expect(try ToolRunner.run(["inspect", "--show-signature", token]).standardOutput.contains(signature))
        #expect(ToolRunner.json(try ToolRunner.run(["inspect", "--json", "--show-signature", token]))["signature_hex"] as? String == signature)
    }

    @Test("inspect in words, from an argument, '-' and standard input")
    func inspectText() throws {
        let token = try Self.mint(["--project", "foo", "--project", "bar", "--ttl", "2d"])
        for (arguments, input) in [(["inspect", token], nil), (["inspect", "-"], "  \(token)\n"), (["inspect"], token + "\n")] as [([String], String?)] {
            let result = try ToolRunner.run(arguments, input: input)
            #expect(result.status == 0)
            #expect(result.standardOutput.contains("projects: foo, bar"))
            #expect(result.standardOutput.contains("(in 2 days)") || result.standardOutput.contains("(in 1 day)"))
            #expect(result.standardOutput.contains("identifier: \(Self.identifier)"))
            #expect(!result.standardOutput.contains("\u{1B}["), "no colour when not a terminal")
        }
    }

    @Test("inspect every macaroon format, raw v2 from a file, and non-UTF-8 bytes as hex")
    func inspectFormats() throws {
        for (format, expected) in [("v1", "v1"), ("v2", "v2"), ("v2-json", "v2-json"), ("v1-json", "v1-json")] {
            let text = try Self.mint(["--no-prefix", "--format", format, "--caveat", "a = 1"])
            let json = ToolRunner.json(try ToolRunner.run(["inspect", "--json", text]))
            #expect(json["format"] as? String == expected)
            #expect(json["prefix"] is NSNull)
            // Restricting keeps the token's format.
            let restricted = try ToolRunner.run(["restrict", "--caveat", "b = 2", text]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(ToolRunner.json(try ToolRunner.run(["inspect", "--json", restricted]))["format"] as? String == expected)
        }
        let v1JSON = try Self.mint(["--no-prefix", "--format", "v1-json"])
        #expect(v1JSON.hasPrefix(#"{"location":"#))
        let binary = Macaroon(key: MacaroonKey(derivingFrom: [1]), identifier: [0xFF, 0x00], location: "loc".utf8)
            .addingThirdPartyCaveat(secret: [2], identifier: "3p".utf8, location: "https://auth.example/".utf8)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("macaroon-\(UUID().uuidString).bin")
        try Data(try binary.encoded(as: .v2Binary)).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let json = ToolRunner.json(try ToolRunner.run(["inspect", "--json", "--file", path.path]))
        #expect(json["format"] as? String == "v2-binary")
        #expect(json["identifier"] is NSNull)
        #expect(json["identifier_hex"] as? String == "ff00")
        let caveat = (json["caveats"] as? [[String: Any]])?.first
        #expect(caveat?["kind"] as? String == "third-party")
        #expect(caveat?["location"] as? String == "https://auth.example/")
        #expect((caveat?["vid_hex"] as? String)?.count == 144)
        let text = try ToolRunner.run(["inspect", "--file", path.path])
        #expect(text.standardOutput.contains("identifier: hex:ff00"))
        #expect(text.standardOutput.contains("third-party at https://auth.example/"))
    }

    @Test("restrict narrows without a key; verify answers with exit codes 0 and 1")
    func restrictAndVerify() throws {
        let token = try Self.mint()
        let restricted = try ToolRunner.run(["restrict", "--project", "foo", "--not-before", "2026-01-01T00:00:00Z", "--ttl", "1h"], input: token)
        #expect(restricted.status == 0)
        let narrowed = restricted.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let start = "1767225600"
        let allowed = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--project", "foo", "--now", start], input: narrowed)
        #expect(allowed.status == 0)
        #expect(allowed.standardOutput == "ALLOWED\n")
        let denied = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--project", "bar", "--now", "2026-01-01T01:00:00Z", narrowed])
        #expect(denied.status == 1)
        #expect(denied.lines == ["DENIED", "  - token is expired (expired at 2026-01-01 01:00:00 UTC)",
                                 "  - project-scoped token is not valid for project: 'bar'"])
        let json = ToolRunner.json(try ToolRunner.run(["verify", "--json", "--key-hex", Self.keyHex, "--now", "1767225599", narrowed]))
        #expect(json["allowed"] as? Bool == false)
        let reasons = json["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.map { $0["code"] as? String } == ["caveatNotSatisfied", "caveatNotSatisfied"])
        #expect(reasons.first?["message"] as? String == "token is not yet valid (valid from 2026-01-01 00:00:00 UTC)")
        let wrongKey = try ToolRunner.run(["verify", "--key-hex", "00" + Self.keyHex.dropFirst(2), "--project", "foo", "--now", start, narrowed])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.lines == ["DENIED", "  - signatures do not match"])
    }

    @Test("keys from --key-file and MACAROON_KEY; --raw-key")
    func keySources() throws {
        let token = try Self.mint(["--user-id", "u1"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).hex")
        try (Self.keyHex + "\n").write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        #expect(try ToolRunner.run(["verify", "--key-file", path.path, "--user-id", "u1", token]).status == 0)
        #expect(try ToolRunner.run(["verify", "--user-id", "u1", token], environment: ["MACAROON_KEY": Self.keyHex]).status == 0)
        #expect(try ToolRunner.run(["verify", "--raw-key", "--user-id", "u1", token], environment: ["MACAROON_KEY": Self.keyHex]).status == 1)
        let raw = try Self.mint(["--raw-key"])
        #expect(try ToolRunner.run(["verify", "--raw-key", "--key-hex", Self.keyHex, raw]).status == 0)
        Self.expectUsageError(try ToolRunner.run(["verify", "--raw-key", "--key-hex", "abcd", raw]), containing: "32 bytes")
        Self.expectUsageError(try ToolRunner.run(["verify", token]), containing: "no key given")
        Self.expectUsageError(try ToolRunner.run(["verify", "--key-hex", "xyz", token]), containing: "not hexadecimal")
        Self.expectUsageError(try ToolRunner.run(["verify", "--key-file", "/nonexistent/key", token]), containing: "cannot read")
    }

    @Test("generic macaroons: --satisfy and --discharge")
    func genericAndDischarges() throws {
        let key = MacaroonKey(derivingFrom: Hex.decode(Self.keyHex) ?? [])
        let root = Macaroon(key: key, identifier: "id".utf8, location: "https://svc/".utf8)
            .addingFirstPartyCaveat("account = 1".utf8)
            .addingThirdPartyCaveat(secret: "s".utf8, identifier: "is alice".utf8, location: "https://auth/".utf8)
        let discharge = Macaroon(key: MacaroonKey(derivingFrom: "s".utf8), identifier: "is alice".utf8)
            .addingFirstPartyCaveat("time < 2030".utf8).bound(to: root)
        let rootText = try root.encodedString(as: .v2)
        let dischargeText = try discharge.encodedString(as: .v2JSON)
        let ok = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--satisfy", "account = 1", "--satisfy", "time < 2030",
                                     "--discharge", dischargeText, rootText])
        #expect(ok.status == 0, "\(ok.standardOutput)")
        let missing = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--satisfy", "account = 1", rootText])
        #expect(missing.status == 1)
        #expect(missing.standardOutput.contains("no unused discharge"))
        let unsatisfied = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--satisfy", "account = 1", "--discharge", dischargeText, rootText])
        #expect(unsatisfied.status == 1)
        #expect(unsatisfied.standardOutput.contains("time < 2030"))
    }

    @Test("malformed tokens of each kind fail with exit 2 and one line")
    func malformedTokens() throws {
        let token = try Self.mint()
        let cases: [(String, String)] = [
            ("pypi-" + "A", "invalid token"),
            (token + "=", "invalid token"),
            ("Pypi-AgEI", "invalid macaroon"),
            ("AgE!", "invalid macaroon"),
            (#"{"v":2,"i":1}"#, "invalid macaroon"),
            ("MDAyMWxvY2F0aW9u", "invalid macaroon"),
            (String(token.dropLast(10)), "invalid token"),
        ]
        for (text, message) in cases {
            Self.expectUsageError(try ToolRunner.run(["inspect", text]), containing: message)
            Self.expectUsageError(try ToolRunner.run(["verify", "--key-hex", Self.keyHex, text]), containing: message)
        }
        Self.expectUsageError(try ToolRunner.run(["inspect"], input: "\n"), containing: "no token given")
        Self.expectUsageError(try ToolRunner.run(["restrict", "--caveat", "x", "pypi-"]), containing: "invalid token")
    }

    @Test("TIME and DURATION forms; usage errors exit 2")
    func timesAndUsage() throws {
        let token = try Self.mint()
        for (arguments, valid) in [
            (["--not-before", "2026-01-01T00:00:00+01:00", "--expires", "2026-01-01T00:00:00.5Z"], true),
            (["--expires", "1900000000"], true), (["--ttl", "90s"], true), (["--ttl", "1h30m"], true), (["--ttl", "7d"], true),
            (["--expires", "tomorrow"], false), (["--expires", "2026-02-30T00:00:00Z"], false), (["--ttl", "5"], false),
            (["--ttl", "1w"], false), (["--expires", "1", "--ttl", "1h"], false), (["--not-before", "1"], false),
            (["--not-before", "2000", "--expires", "1000"], false),
        ] as [([String], Bool)] {
            let result = try ToolRunner.run(["restrict"] + arguments + [token])
            #expect((result.status == 0) == valid, "\(arguments): \(result.standardError)")
            if !valid { #expect(result.status == 2 && result.standardError.split(separator: "\n").count == 1) }
        }
        let offset = try ToolRunner.run(["restrict", "--not-before", "2026-01-01T00:00:00+01:00", "--ttl", "1h", token])
        let json = ToolRunner.json(try ToolRunner.run(["inspect", "--json", offset.standardOutput]))
        let decoded = ((json["caveats"] as? [[String: Any]])?.first?["decoded"]) as? [String: Any]
        #expect(decoded?["not_before"] as? Int == 1_767_222_000)
        #expect(decoded?["expires_at"] as? Int == 1_767_225_600)
        Self.expectUsageError(try ToolRunner.run(["frobnicate"]), containing: "Unexpected argument")
        Self.expectUsageError(try ToolRunner.run(["verify", "--user-id", "a", "--publisher-id", "b", token]), containing: "not both")
        Self.expectUsageError(try ToolRunner.run(["mint", "--identifier", "x", "--location", "y", "--key-hex", "00", "--format", "v2-json"]),
                              containing: "--no-prefix")
        Self.expectUsageError(try ToolRunner.run(["mint", "--identifier", "x", "--location", "y", "--key-hex", "00", "--no-prefix",
                                                  "--format", "v2-binary"]), containing: "is invalid for '--format")
        Self.expectUsageError(try ToolRunner.run(["mint", "--identifier", "x", "--location", "y", "--key-hex", "00", "--prefix", "Bad"]),
                              containing: "prefix")
    }

    @Test("trusted publisher requests")
    func publisher() throws {
        let token = try Self.mint(["--caveat", #"[4,"pub-1"]"#])
        let ok = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--project", "foo", "--project-id", "p1",
                                     "--publisher-id", "pub-1", "--publisher-project-id", "p1", token])
        #expect(ok.status == 0)
        let other = try ToolRunner.run(["verify", "--key-hex", Self.keyHex, "--project", "foo", "--project-id", "p2",
                                        "--publisher-id", "pub-1", "--publisher-project-id", "p1", token])
        #expect(other.lines == ["DENIED", "  - OIDC scoped token is not valid for project 'foo'"])
    }

    @Test("--help on every command, with examples")
    func help() throws {
        for command in ["inspect", "restrict", "mint", "verify", "keygen", "demo"] {
            let result = try ToolRunner.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.standardOutput.contains("Example"), "\(command)")
        }
    }

    @Test func demo() throws {
        let result = try ToolRunner.run(["demo"])
        #expect(result.status == 0)
        let output = result.standardOutput
        #expect(output.contains("upload to sampleproject now: ALLOWED"))
        #expect(output.contains("upload to SampleProject (the same project once normalized): ALLOWED"))
        #expect(output.contains("upload to otherproject: DENIED"))
        #expect(output.contains("project-scoped token is not valid for project: 'otherproject'"))
        #expect(output.contains("upload to sampleproject in two hours: DENIED"))
        #expect(output.contains("token is expired"))
        #expect(output.contains("unknown or revoked API token"))
    }
}

@Suite("Colour only on a terminal")
struct TerminalTests {
    @Test("verify prints ✔ in colour under a pseudo-terminal and plain words in a pipe")
    func colourOnTerminal() throws {
        let key = String(repeating: "cd", count: 32)
        let token = try ToolRunner.run(["mint", "--identifier", "i", "--location", "pypi.org", "--key-hex", key])
            .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let command = [ToolRunner.executable.path, "verify", "--key-hex", key, token].joined(separator: " ")
        // util-linux's script(1) runs the command with a pseudo-terminal as its standard output.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = Pipe()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("\u{1B}[32m✔ ALLOWED"))
        let piped = try ToolRunner.run(["verify", "--key-hex", key, token])
        #expect(piped.standardOutput == "ALLOWED\n")
    }
}
