import ArgumentParser
import Macaroons
import MacaroonTokens
import _MacaroonInternals

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a token's signature and every caveat against a request.",
        discussion: """
            Service tokens are checked with the upload-token verifier (PyPI's caveat language) against \
            the request given by --project, --project-id, --user-id or --publisher-id, and --now. \
            Other macaroons are checked with exact-match predicates given by --satisfy. Discharges must \
            already be bound to the token; giving one accepts third-party caveats.

            Prints ALLOWED (exit 0) or DENIED with every reason (exit 1).

            Examples:
              macaroon verify --key-file key.hex --project sampleproject --user-id 1234 < token.txt
              macaroon verify --key-hex 0011... --satisfy 'account = 3735928559' --discharge "$DISCHARGE" "$MACAROON"
            """
    )

    @Argument(help: "The token; read from standard input when absent or '-'.")
    var token: String?

    @OptionGroup var key: KeyOptions

    @Option(name: .long, help: ArgumentHelp("The project being uploaded to.", valueName: "name"))
    var project: String?

    @Option(name: .customLong("project-id"), help: ArgumentHelp("The id of the project being uploaded to.", valueName: "id"))
    var projectID: String?

    @Option(name: .customLong("user-id"), help: ArgumentHelp("The user making the request.", valueName: "id"))
    var userID: String?

    @Option(name: .customLong("publisher-id"), help: ArgumentHelp("The trusted publisher making the request.", valueName: "id"))
    var publisherID: String?

    @Option(name: .customLong("publisher-project-id"), help: ArgumentHelp("A project id of the publisher (repeatable).", valueName: "id"))
    var publisherProjectIDs: [String] = []

    @Option(name: .long, help: ArgumentHelp("The time of the request (Unix seconds or RFC 3339; default now).", valueName: "time"))
    var now: String?

    @Option(name: .customLong("satisfy"), help: ArgumentHelp("Accept this first-party caveat exactly (repeatable).", valueName: "predicate"))
    var predicates: [String] = []

    @Option(name: .customLong("discharge"), help: ArgumentHelp("A bound discharge macaroon, any format (repeatable).", valueName: "token"))
    var discharges: [String] = []

    @Flag(name: .long, help: "Print one JSON object: {\"allowed\": bool, \"reasons\": [{\"code\", \"message\"}]}.")
    var json = false

    func validate() throws {
        if userID != nil && publisherID != nil { throw ValidationError("give --user-id or --publisher-id, not both") }
        if !publisherProjectIDs.isEmpty && publisherID == nil { throw ValidationError("--publisher-project-id needs --publisher-id") }
        if project == nil && projectID != nil { throw ValidationError("--project-id needs --project") }
    }

    func run() throws {
        let presented = try PresentedToken(bytes: Input.tokenBytes(token))
        let key = try key.key()
        let dischargeMacaroons = try discharges.map { try PresentedToken(bytes: Array($0.trimmingWhitespace().utf8)).macaroon }
        // One verifier shape: a service token gets PyPI's caveat language as its policy, any
        // other macaroon the exact predicates given by --satisfy.
        let verdict: Verdict
        if let serviceToken = presented.serviceToken {
            verdict = uploadVerifier(for: serviceToken, discharges: dischargeMacaroons)
                .verify(serviceToken, key: key, request: try request(), discharges: dischargeMacaroons)
        } else {
            verdict = MacaroonVerifier(predicates: predicates.map { CaveatPredicate.exact($0) })
                .verify(presented.macaroon, key: key, discharges: dischargeMacaroons)
        }
        report(verdict)
        if !verdict.isAllowed { throw ExitCode(1) }
    }

    /// Giving discharges accepts the token's third-party caveats.
    private func uploadVerifier(for token: ServiceToken, discharges: [Macaroon]) -> UploadTokenVerifier {
        let thirdPartyLocations = Set(token.macaroon.caveats.compactMap { caveat -> String? in
            guard case .thirdParty(_, _, let location) = caveat else { return nil }
            return String(decoding: location, as: UTF8.self)
        })
        return UploadTokenVerifier(prefix: token.prefix, trustedThirdPartyLocations: discharges.isEmpty ? [] : thirdPartyLocations)
    }

    /// The request given by the options.
    private func request() throws -> UploadRequest {
        var identity: UploadRequest.Identity?
        if let userID { identity = .user(id: userID) }
        if let publisherID { identity = .trustedPublisher(id: publisherID, projectIDs: Set(publisherProjectIDs)) }
        return UploadRequest(
            project: project.map { UploadRequest.Project(name: $0, id: projectID) }, identity: identity,
            now: try now.map(TimeParsing.time) ?? UploadRequest.currentTime())
    }

    private func report(_ verdict: Verdict) {
        if json {
            let reasonValues = verdict.reasons.map {
                JSONValue.object(JSONObject([("code", .string($0.code.description)), ("message", .string($0.message))]))
            }
            print(JSONValue.object(JSONObject([("allowed", .bool(verdict.isAllowed)), ("reasons", .array(reasonValues))])).text)
            return
        }
        print(Terminal.verdict(verdict.isAllowed))
        for reason in verdict.reasons {
            print("  - " + Terminal.safe(reason.message))
        }
    }
}
