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
              macaroon mint --identifier 0b0e0c6a-... --location pypi.org --key-file key.hex --project sampleproject
              macaroon mint --identifier k1 --location https://svc/ --key-file key.hex --no-prefix --format v2json
            """
    )

    @Option(name: .long, help: "The identifier the server finds the secret by.")
    var identifier: String

    @Option(name: .long, help: "Where the token is used, e.g. pypi.org.")
    var location: String

    @OptionGroup var key: KeyOptions

    @Option(name: .long, help: "The service prefix (default pypi).")
    var prefix: String?

    @Flag(name: .long, help: "Print a plain macaroon instead of a service token.")
    var noPrefix = false

    @Option(name: .long, help: "With --no-prefix: v1, v2 or v2json (default v2).")
    var format: String?

    @OptionGroup var restrictions: RestrictionOptions

    func validate() throws {
        if noPrefix && prefix != nil { throw ValidationError("give --prefix or --no-prefix, not both") }
        if format != nil && !noPrefix { throw ValidationError("--format needs --no-prefix (service tokens are always v2)") }
        if let format, !["v1", "v2", "v2json"].contains(format) { throw ValidationError("--format must be v1, v2 or v2json") }
    }

    func run() throws {
        var macaroon = Macaroon(key: try key.key(), identifier: identifier.utf8, location: location.utf8)
        for caveat in try restrictions.caveats(now: UploadRequest.currentTime()) {
            macaroon = macaroon.addingFirstPartyCaveat(caveat)
        }
        if noPrefix {
            let chosen: MacaroonFormat = switch format { case "v1": .v1; case "v2json": .v2JSON; default: .v2 }
            do {
                print(try TokenOutput.checked(macaroon.encodedString(as: chosen)))
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
