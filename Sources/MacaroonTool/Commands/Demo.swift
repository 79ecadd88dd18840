import ArgumentParser
import Macaroons
import MacaroonTokens

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through the life of an upload token, offline.",
        discussion: """
            Mints a token for one project, restricts it with an expiry, inspects it, and verifies an \
            allowed upload, an upload to another project and an upload after expiry.

            Example:
              macaroon demo
            """
    )

    func run() throws {
        let now = UploadRequest.currentTime()
        func step(_ number: Int, _ title: String) {
            print("\n" + Terminal.styled("\(number). \(title)", .bold))
        }

        step(1, "The registry mints a token scoped to the project 'sampleproject'.")
        let minted = try ServiceToken.mint(
            location: "pypi.org", identifier: "2f5c3d8e-0000-4000-8000-00000000d3m0", caveats: [try ProjectNamesCaveat(["sampleproject"])])
        var keys = InMemoryKeyStore()
        keys.store(secret: minted.secret, forIdentifier: "2f5c3d8e-0000-4000-8000-00000000d3m0")
        print("   It stores the identifier and a fresh 32-byte secret, and hands out:")
        print("   " + Self.abbreviated(minted.token.string))

        step(2, "The holder narrows it to one hour before giving it to CI (no key needed).")
        let restricted = minted.token.restricted(by: try ExpirationCaveat(expiresAt: now + 3_600, notBefore: now))
        print("   \(Self.abbreviated(restricted.string))")

        step(3, "Anyone can inspect what it allows.")
        let inspection = Inspection(token: try PresentedToken(bytes: Array(restricted.string.utf8)), now: now)
        print(inspection.text.split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))

        let verifier = UploadTokenVerifier(prefix: "pypi", location: "pypi.org")
        func check(_ title: String, _ request: UploadRequest) {
            let verdict = verifier.verify(restricted, key: keys.rootKey(forIdentifier: TokenIdentifier(restricted.macaroon.identifier)), request: request)
            print("   \(title): \(Terminal.verdict(verdict.isAllowed))")
            for reason in verdict.reasons { print("     - \(reason.message)") }
        }
        step(4, "The registry verifies uploads: signature first, then every caveat.")
        check("upload to sampleproject now", UploadRequest(project: .init(name: "sampleproject"), now: now))
        check("upload to SampleProject (the same project once normalized)", UploadRequest(project: .init(name: "SampleProject"), now: now))
        check("upload to otherproject", UploadRequest(project: .init(name: "otherproject"), now: now))
        check("upload to sampleproject in two hours", UploadRequest(project: .init(name: "sampleproject"), now: now + 7_200))

        step(5, "Deleting the stored secret revokes the token and every restriction of it.")
        keys.revoke(identifier: "2f5c3d8e-0000-4000-8000-00000000d3m0")
        check("upload to sampleproject after revocation", UploadRequest(project: .init(name: "sampleproject"), now: now))
    }

    /// Long tokens shortened for the walkthrough.
    private static func abbreviated(_ token: String) -> String {
        token.count <= 60 ? token : String(token.prefix(40)) + "..." + String(token.suffix(12))
    }
}
