import Foundation
import Macaroons
import Testing

@Suite("mint: generated identifiers and one spelling per format")
struct MintCommandTests {
    static func inspect(_ token: String) throws -> [String: Any] {
        ToolRunner.json(try ToolRunner.run(["inspect", "--json", token]))
    }

    @Test("without --identifier, each token gets a new random version 4 UUID")
    func generatedIdentifier() throws {
        let arguments = ["mint", "--location", "pypi.org", "--key-hex", ToolTests.keyHex]
        let first = try ToolRunner.run(arguments)
        let second = try ToolRunner.run(arguments)
        #expect(first.status == 0 && second.status == 0, "\(first.standardError)")
        let identifiers = try [first, second].map { try Self.inspect($0.standardOutput.trimmingCharacters(in: .newlines))["identifier"] as? String ?? "" }
        #expect(identifiers[0] != identifiers[1])
        for identifier in identifiers {
            let uuid = #/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/#
            #expect(identifier.wholeMatch(of: uuid) != nil, "\(identifier)")
        }
    }

    @Test("--format takes v1, v2, v1-json and v2-json, and nothing else", arguments: ["v1", "v2", "v1-json", "v2-json"])
    func formats(_ name: String) throws {
        let result = try ToolRunner.run(["mint", "--identifier", "k1", "--location", "l", "--key-hex", ToolTests.keyHex,
                                         "--no-prefix", "--format", name])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try Self.inspect(result.standardOutput.trimmingCharacters(in: .newlines))["format"] as? String == name)
    }

    @Test("other spellings are usage errors")
    func otherSpellings() throws {
        for name in ["v2json", "v1json", "V2", "v2-binary", "json"] {
            let result = try ToolRunner.run(["mint", "--identifier", "k1", "--location", "l", "--key-hex", ToolTests.keyHex,
                                             "--no-prefix", "--format", name])
            ToolTests.expectUsageError(result, containing: "format")
        }
    }
}
