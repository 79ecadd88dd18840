import Foundation
import Testing
@testable import Macaroons
@testable import _MacaroonInternals

/// Macaroons with third-party caveats and discharges that we mint, verified
/// by pymacaroons 0.13 from Debian's `python3-pymacaroons` (installed by
/// `scripts/bootstrap`), through `Tests/PeerInterop/pymacaroons_verify.py`.
@Suite("Our discharges verify in pymacaroons")
struct PeerInteropTests {
    static let script = vectorsDirectory.deletingLastPathComponent().appendingPathComponent("PeerInterop/pymacaroons_verify.py")

    struct Case: Encodable {
        let name: String
        let format: String
        let root: String
        let discharges: [String]
        let secret_hex: String
        let predicates: [String]
    }

    static func cases() throws -> [(Case, shouldVerify: Bool)] {
        let secret = Array("our root secret".utf8)
        let key = MacaroonKey(derivingFrom: secret)
        let root = Macaroon(key: key, identifier: "root-id".utf8, location: "https://svc.example/".utf8)
            .addingFirstPartyCaveat("project = foo".utf8)
            .addingThirdPartyCaveat(secret: "auth secret".utf8, identifier: "user is alice".utf8, location: "https://auth.example/".utf8)
        let nested = Macaroon(key: MacaroonKey(derivingFrom: "auth secret".utf8), identifier: "user is alice".utf8, location: "https://auth.example/".utf8)
            .addingFirstPartyCaveat("time < 2030-01-01".utf8)
            .addingThirdPartyCaveat(secret: "2fa secret".utf8, identifier: "2fa done".utf8, location: "https://2fa.example/".utf8)
        let second = Macaroon(key: MacaroonKey(derivingFrom: "2fa secret".utf8), identifier: "2fa done".utf8)
        let discharges = [nested.bound(to: root), second.bound(to: root)]
        let predicates = ["project = foo", "time < 2030-01-01"]
        var cases: [(Case, Bool)] = []
        for (format, name) in [(MacaroonFormat.v1, "v1"), (.v2, "v2"), (.v1JSON, "v1json"), (.v2JSON, "v2json")] {
            let rootText = try root.encodedString(as: format)
            let dischargeTexts = try discharges.map { try $0.encodedString(as: format) }
            cases.append((Case(name: "\(name) nested discharges", format: name, root: rootText, discharges: dischargeTexts,
                               secret_hex: Hex.encode(secret), predicates: predicates), true))
            cases.append((Case(name: "\(name) unbound discharge", format: name, root: rootText,
                               discharges: [try nested.encodedString(as: format), dischargeTexts[1]],
                               secret_hex: Hex.encode(secret), predicates: predicates), false))
            cases.append((Case(name: "\(name) wrong key", format: name, root: rootText, discharges: dischargeTexts,
                               secret_hex: Hex.encode(Array("other".utf8)), predicates: predicates), false))
        }
        return cases
    }

    @Test func pymacaroonsAgrees() throws {
        let cases = try Self.cases()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString).json")
        try JSONEncoder().encode(cases.map(\.0)).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script.path, input.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pymacaroons is missing? run ./scripts/bootstrap. \(errorText)")

        let results = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        #expect(results.count == cases.count)
        for (result, (testCase, shouldVerify)) in zip(results, cases) {
            #expect(result["verified"] as? Bool == shouldVerify, "\(testCase.name): \(result["error"] ?? "")")
        }
    }
}
