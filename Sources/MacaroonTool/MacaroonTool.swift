import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `macaroon`: inspect, restrict, mint and verify macaroons and upload tokens offline.
///
/// Exit codes: 0 success or allowed, 1 denied, 2 bad input or usage.
@main
struct MacaroonTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "macaroon",
        abstract: "Inspect, restrict, mint and verify macaroons and upload tokens, offline.",
        discussion: """
            Tokens are read from standard input when the TOKEN argument is absent or '-', so they stay \
            out of shell history. Keys come from --key-hex, --key-file or the MACAROON_KEY environment variable.

            Exit codes: 0 success or allowed, 1 denied, 2 bad input or usage.
            """,
        version: MacaroonTool.version,
        subcommands: [Inspect.self, Restrict.self, Mint.self, Verify.self, Keygen.self, Demo.self]
    )

    /// The version `macaroon --version` prints.
    static let version = "0.1.0"

    /// Runs the tool with the exit codes documented above, printing errors as one line.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch let error as ToolError {
            Terminal.standardError("macaroon: error: \(error.message)")
            Self.exit(withError: ExitCode(2))
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Self.exit(withError: error)
            }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            Terminal.standardError("macaroon: error: \(message) (see 'macaroon help')")
            Self.exit(withError: ExitCode(2))
        }
    }
}
