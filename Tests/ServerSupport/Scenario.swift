#if Hummingbird || Vapor
import Macaroons
import MacaroonTokens

/// One request of the adapter tests and the answer expected, the same for every framework:
/// `POST /upload/{project}` with an `Authorization` header; the handler authorizes the
/// upload for the project (``Fixture/project`` or ``Fixture/otherProject``).
public struct Scenario: Sendable, CustomStringConvertible {
    /// What the request shows.
    public let description: String
    /// The `Authorization` header, if any.
    public let authorization: String?
    /// The project in the route.
    public let project: UploadRequest.Project
    /// The status expected.
    public let status: Int
    /// The denial reason codes expected (403 only).
    public let reasons: [DenialReason.Code]
    /// Text the message (body and reason phrase) must contain.
    public let messageContains: String

    /// The route path.
    public var path: String { "/upload/\(project.name)" }

    /// The project named in a route.
    public static func project(named name: String) -> UploadRequest.Project {
        name == Fixture.project.name ? Fixture.project : Fixture.otherProject
    }

    /// The body of an allowed upload.
    public static func allowedBody(owner: TokenOwner) -> String { "uploaded by \(owner)" }

    init(_ description: String, _ authorization: String?, _ project: UploadRequest.Project = Fixture.project, status: Int,
         _ reasons: [DenialReason.Code] = [], contains: String = "") {
        self.description = description
        self.authorization = authorization
        self.project = project
        self.status = status
        self.reasons = reasons
        self.messageContains = contains
    }

    /// Every scenario: each scheme, each denial code, 401, 503.
    public static func all(_ f: Fixture) -> [Scenario] {
        let basic = { (token: String) in "Basic " + Fixture.basicCredentials(token) }
        return [
            Scenario("account token, Basic __token__", basic(f.accountToken), status: 200, contains: "uploaded by user alice"),
            Scenario("account token, Bearer, other project", "Bearer \(f.accountToken)", Fixture.otherProject, status: 200),
            Scenario("account token, token scheme", "token \(f.accountToken)", status: 200),
            Scenario("schemes are case-insensitive", "bEaReR \(f.accountToken)", status: 200),
            Scenario("BASIC in capitals", "BASIC " + Fixture.basicCredentials(f.accountToken), status: 200),
            Scenario("project token, its project", basic(f.projectToken), status: 200),
            Scenario("project token, another project", basic(f.projectToken), Fixture.otherProject, status: 403,
                     [.caveatNotSatisfied], contains: "project-scoped token is not valid for project: 'other-project'"),
            Scenario("expired token", basic(f.expiredToken), status: 403, [.caveatNotSatisfied], contains: "expired"),
            Scenario("frozen owner", basic(f.disabledToken), status: 403, [.ownerDisabled], contains: "user account is frozen"),
            Scenario("revoked token", basic(f.revokedToken), status: 403, [.unknownIdentifier], contains: "unknown or revoked API token"),
            Scenario("forged signature", "Bearer \(f.forgedToken)", status: 403, [.invalidSignature], contains: "signatures do not match"),
            Scenario("other location", basic(f.foreignToken), status: 403, [.wrongLocation], contains: "not 'upload.test'"),
            // Without a discharge (HTTP requests carry none) the signature chain cannot close.
            Scenario("third-party caveat", basic(f.thirdPartyToken), status: 403, [.invalidSignature],
                     contains: "no unused discharge for third-party caveat"),
            Scenario("unknown caveat tag", basic(f.unknownCaveatToken), status: 403, [.invalidCaveat], contains: "invalid caveat"),
            Scenario("not a token", "Bearer pypi-notatoken", status: 403, [.malformedToken], contains: "invalid API token"),
            Scenario("Basic with another username", "Basic " + Fixture.basicCredentials(f.accountToken, username: "alice"),
                     status: 403, [.malformedToken], contains: "needs the username '__token__'"),
            Scenario("unsupported scheme", "Digest username=x", status: 403, [.malformedToken], contains: "unsupported Authorization scheme"),
            Scenario("no credentials", nil, status: 401, contains: "Invalid or non-existent authentication information."),
            Scenario("owner policy fails", basic(f.brokenPolicyToken), status: 503, contains: "unavailable"),
        ]
    }
}
#endif

#if Hummingbird || Vapor
import MacaroonServerSupport
import Testing

/// What a framework answered, in framework-neutral terms.
public struct Answer: Sendable {
    public let status: Int
    public let reasonPhrase: String
    public let body: String
    public let wwwAuthenticate: String?
    public let contentType: String?

    public init(status: Int, reasonPhrase: String, body: String, wwwAuthenticate: String?, contentType: String?) {
        self.status = status
        self.reasonPhrase = reasonPhrase
        self.body = body
        self.wwwAuthenticate = wwwAuthenticate
        self.contentType = contentType
    }
}

extension Scenario {
    /// Checks an answer against this scenario's expectations.
    public func check(_ answer: Answer, sourceLocation: SourceLocation = #_sourceLocation) {
        let comment = Comment(rawValue: description)
        #expect(answer.status == status, comment, sourceLocation: sourceLocation)
        if !messageContains.isEmpty {
            #expect(answer.body.contains(messageContains), "\(comment): body \(answer.body)", sourceLocation: sourceLocation)
        }
        switch status {
        case 200:
            #expect(answer.wwwAuthenticate == nil, comment, sourceLocation: sourceLocation)
        case 401:
            #expect(answer.wwwAuthenticate == TokenRefusal.challenge, comment, sourceLocation: sourceLocation)
            #expect(answer.body == "Invalid or non-existent authentication information.\n", comment, sourceLocation: sourceLocation)
        case 403:
            #expect(answer.body.hasPrefix(TokenRefusal.invalidTokenPrefix), comment, sourceLocation: sourceLocation)
            #expect(answer.reasonPhrase.hasPrefix(TokenRefusal.invalidTokenPrefix), comment, sourceLocation: sourceLocation)
            #expect(answer.body == answer.reasonPhrase + "\n", "\(comment): reason phrase is the body's message", sourceLocation: sourceLocation)
            #expect(answer.contentType == TokenRefusal.contentType, comment, sourceLocation: sourceLocation)
            #expect(answer.wwwAuthenticate == nil, comment, sourceLocation: sourceLocation)
        default:
            #expect(answer.body == "The token service is unavailable; try again later.\n", comment, sourceLocation: sourceLocation)
            #expect(answer.wwwAuthenticate == nil, comment, sourceLocation: sourceLocation)
        }
        if status != 200 {
            #expect(answer.reasonPhrase + "\n" == answer.body, "\(comment): the reason phrase carries the message", sourceLocation: sourceLocation)
        }
    }
}
#endif
