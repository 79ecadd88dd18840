import ArgumentParser
import MacaroonTokens

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a token or macaroon contains and allows, without a key.",
        discussion: """
            Accepts service tokens (pypi-...), v1, v2 and v2 JSON macaroons, and raw v2 binary from --file.

            Examples:
              macaroon inspect < token.txt
              macaroon inspect --json pypi-AgEIcHlwaS5vcmc...
              macaroon inspect --file macaroon.bin
            """
    )

    @Argument(help: "The token; read from standard input when absent or '-'.")
    var token: String?

    @Option(name: .long, help: ArgumentHelp("Read the token or raw v2 bytes from this file.", valueName: "path"))
    var file: String?

    @Flag(name: .long, help: "Print one JSON object (schema in Specs/tool.md).")
    var json = false

    @Flag(name: .customLong("show-signature"), help: "Also print the signature, which with the rest is the token itself (redacted by default).")
    var showSignature = false

    func validate() throws {
        if file != nil && token != nil { throw ValidationError("give a TOKEN or --file, not both") }
    }

    func run() throws {
        let bytes = try file.map(Input.fileBytes) ?? Input.tokenBytes(token)
        let inspection = Inspection(token: try PresentedToken(bytes: bytes), now: UploadRequest.currentTime(), showsSignature: showSignature)
        print(json ? inspection.json.text : inspection.text)
    }
}
