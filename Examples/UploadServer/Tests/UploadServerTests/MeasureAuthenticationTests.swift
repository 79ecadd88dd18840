import Foundation
import Testing

/// `upload-server measure-authentication`, which Benchmarks/load/run prints beside the load figure.
struct MeasureAuthenticationTests {
    @Test("measure-authentication times a token read from standard input, never echoes it, and refuses a bad one")
    func measures() throws {
        let work = try TemporaryDirectory()
        let data = work.path + "/data"
        let store = ["--store", "sqlite:\(data)/registry.sqlite", "--data", data]
        try Programs.admin(["users", "add", "alice"] + store)
        let token = try Programs.admin(["tokens", "create", "--user", "alice", "--description", "measured"] + store)
        let arguments = ["measure-authentication", "--count", "20", "--repetitions", "2"] + store

        let measured = try Programs.run(Programs.uploadServer, arguments, input: token + "\n")
        #expect(measured.status == 0, "\(measured)")
        let line = measured.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("in-process, fastest of 2 x 20 requests: authenticate "), "\(line)")
        #expect(line.hasSuffix(" ns per request") && !line.contains("\n"), "\(line)")
        #expect(!measured.stdout.contains(token) && !measured.stderr.contains(token.dropFirst(5).prefix(24)))

        // A token the store does not know is a refusal, reported as a failure, not timed.
        let forged = try Programs.run(Programs.uploadServer, arguments, input: "pypi-AgEIcHlwaS5vcmc\n")
        #expect(forged.status != 0 && !forged.stdout.contains("fastest"), "\(forged)")
        for input in [nil, " \t\n"] {
            let empty = try Programs.run(Programs.uploadServer, arguments, input: input)
            #expect(empty.status != 0 && empty.stderr.contains("standard input"), "\(empty)")
        }
        #expect(try !Programs.run(Programs.uploadServer, ["--help"]).stdout.contains("measure-authentication"), "not listed in the help")
    }
}
