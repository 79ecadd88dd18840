import ArgumentParser
import Macaroons
import MacaroonTokens

struct Mint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint a new token from a root secret.",
        discussion: """
            The secret is derived into the signing key as libmacaroons does, unless --raw-key.

            Examples:
              macaroon keygen > key.hex
              macaroon mint --location pypi.org --key-file key.hex --project sampleproject
              macaroon mint --identifier k1 --location https://svc/ --key-file key.hex --no-prefix --format v2-json
            """
    )

    @Option(name: .long, help: "The identifier the server finds the secret by (default: a new random UUID).")
    var identifier: String?

    @Option(name: .long, help: "Where the token is used, e.g. pypi.org.")
    var location: String

    @OptionGroup var key: KeyOptions

    @Option(name: .long, help: "The service prefix (default pypi).")
    var prefix: String?

    @Flag(name: .long, help: "Print a plain macaroon instead of a service token.")
    var noPrefix = false

    @Option(name: .long, help: "With --no-prefix, the format (default v2).")
    var format: MacaroonFormat?

    @OptionGroup var restrictions: RestrictionOptions

    func validate() throws {
        if noPrefix && prefix != nil { throw ValidationError("give --prefix or --no-prefix, not both") }
        if format != nil && !noPrefix { throw ValidationError("--format needs --no-prefix (service tokens are always v2)") }
    }

    func run() throws {
        var macaroon = Macaroon(key: try key.key(), identifier: (identifier ?? ServiceToken.generateIdentifier()).utf8, location: location.utf8)
        for caveat in try restrictions.caveats(now: UploadRequest.currentTime()) {
            macaroon = macaroon.addingFirstPartyCaveat(caveat)
        }
        if noPrefix {
            do {
                print(try TokenOutput.checked(macaroon.encodedString(as: format ?? .v2)))
            } catch let error as MacaroonError {
                throw ToolError("cannot encode the macaroon: \(error)")
            }
            return
        }
        do {
            print(try TokenOutput.checked(ServiceToken(prefix: prefix ?? "pypi", macaroon: macaroon).string))
        } catch let error as TokenError {
            throw ToolError(error.detail)
        }
    }
}
