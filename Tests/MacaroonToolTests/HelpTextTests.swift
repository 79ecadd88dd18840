import Foundation
import Testing
import MacaroonTestSupport

/// The tool's help texts, compared with the snapshots in `HelpSnapshots/`: a
/// change to an option, an abstract or an example shows up as a diff to review.
/// After an intended change, rewrite them with `UPDATE_HELP_SNAPSHOTS=1 swift test --filter HelpTextTests`.
@Suite("Help texts match their snapshots")
struct HelpTextTests {
    static let commands: [[String]] = [[], ["inspect"], ["restrict"], ["mint"], ["verify"], ["keygen"], ["demo"]]

    static let snapshots = repositoryRoot.appendingPathComponent("Tests/MacaroonToolTests/HelpSnapshots")

    @Test("help of every command", arguments: commands)
    func help(_ command: [String]) throws {
        let result = try ToolRunner.run(command + ["--help"], environment: ["COLUMNS": "100"])
        #expect(result.status == 0)
        let file = Self.snapshots.appendingPathComponent((command.first ?? "macaroon") + ".txt")
        if ProcessInfo.processInfo.environment["UPDATE_HELP_SNAPSHOTS"] == "1" {
            try result.standardOutput.write(to: file, atomically: true, encoding: .utf8)
        }
        let snapshot = try String(contentsOf: file, encoding: .utf8)
        #expect(result.standardOutput == snapshot, "help of \(command) differs from \(file.lastPathComponent)")
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try ToolRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "0.1.0\n")
    }
}
