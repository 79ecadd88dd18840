import Macaroons
import ArgumentParser
import MacaroonTokens

struct Restrict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Narrow a token with more caveats; no key needed.",
        discussion: """
            Prints the narrowed token in the same form as the input. Restrictions only ever narrow: \
            the new token allows at most what the old one did.

            Examples:
              macaroon restrict --project sampleproject --ttl 1h < token.txt
              macaroon restrict --project-id 6b7e... --expires 2026-12-01T00:00:00Z - < token.txt
            """
    )

    @Argument(help: "The token; read from standard input when absent or '-'.")
    var token: String?

    @OptionGroup var restrictions: RestrictionOptions

    func validate() throws {
        if restrictions.isEmpty { throw ValidationError("give at least one restriction") }
    }

    func run() throws {
        let presented = try PresentedToken(bytes: Input.tokenBytes(token))
        var macaroon = presented.macaroon
        for caveat in try restrictions.caveats(now: UploadRequest.currentTime()) {
            macaroon = macaroon.addingFirstPartyCaveat(caveat)
        }
        print(try TokenOutput.checked(presented.encoded(macaroon)))
    }
}
