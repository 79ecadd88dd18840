import ArgumentParser
import Macaroons
import _MacaroonInternals

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a fresh random 32-byte secret in hex.",
        discussion: """
            Example:
              macaroon keygen > key.hex && chmod 600 key.hex
            """
    )

    func run() throws {
        print(Hex.encode(MacaroonKey.generateSecret()))
    }
}
