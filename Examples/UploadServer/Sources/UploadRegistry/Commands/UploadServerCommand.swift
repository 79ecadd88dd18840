import ArgumentParser

/// `upload-server`: a minimal PyPI-compatible registry and its administration commands.
public struct UploadServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "upload-server",
        abstract: "A minimal PyPI-compatible package registry whose upload tokens are swift-macaroons tokens.",
        subcommands: [Serve.self, Tokens.self, Users.self, Publishers.self, Keys.self, MeasureAuthentication.self]
    )

    public init() {}

    /// Parses the process's arguments and runs the chosen command, exiting with its status.
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
