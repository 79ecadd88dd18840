import Macaroons

/// Tag 0, `[0,expires_at,not_before]`: the token is valid when
/// `not_before <= now < expires_at` (Unix seconds).
public struct ExpirationCaveat: TaggedUploadCaveat, Hashable {
    /// `0`.
    public static let tag = 0
    /// The first second at which the token is no longer valid.
    public let expiresAt: Int64
    /// The first second at which the token is valid.
    public let notBefore: Int64

    /// A validity window.
    ///
    /// - Throws: ``CaveatError`` unless `notBefore < expiresAt`.
    public init(expiresAt: Int64, notBefore: Int64) throws(CaveatError) {
        guard notBefore < expiresAt else {
            throw CaveatError("the validity window is empty: not_before \(notBefore) is not before expires_at \(expiresAt)")
        }
        self.expiresAt = expiresAt
        self.notBefore = notBefore
    }

    /// Decodes `[expires_at, not_before]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(2)
        try self.init(expiresAt: arguments.integer(at: 0, named: "expires_at"),
                      notBefore: arguments.integer(at: 1, named: "not_before"))
    }

    /// `[expires_at, not_before]`.
    public var arguments: [JSONValue] { [.integer(expiresAt), .integer(notBefore)] }

    /// Expired and not-yet-valid get different reasons.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        if request.now >= expiresAt { return .failed("token is expired (expired at \(UnixTime.format(expiresAt)))") }
        if request.now < notBefore { return .failed("token is not yet valid (valid from \(UnixTime.format(notBefore)))") }
        return .satisfied
    }

    /// `valid from … until …`.
    public var summary: String { "valid from \(UnixTime.format(notBefore)) until \(UnixTime.format(expiresAt))" }
}

/// Tag 1, `[1,["name",...]]`: the request's project, PEP 503 normalized, is one of these names.
///
/// Names are compared as written in the caveat; the minting initializer
/// normalizes them, so a caveat holding `Foo_Bar` (written by someone else)
/// matches nothing.
public struct ProjectNamesCaveat: TaggedUploadCaveat, Hashable {
    /// `1`.
    public static let tag = 1
    /// The allowed names.
    public let names: [String]

    /// Allows these projects; names are normalized before they are written.
    public init(_ names: [String]) throws(CaveatError) {
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else { throw CaveatError("project names must be a non-empty list of non-empty names") }
        self.names = names.map(ProjectName.normalize)
    }

    /// Decodes `[["name",...]]`, keeping the names as written.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        names = try arguments.strings(at: 0, named: "project names")
    }

    /// `[["name",...]]`.
    public var arguments: [JSONValue] { [.array(names.map(JSONValue.string))] }

    /// Passes when the request's normalized project name is listed.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        guard let project = request.project else { return .failed("project-scoped token used outside of a project context") }
        guard names.contains(where: { UTF8Text.equal($0, project.normalizedName) }) else {
            return .failed("project-scoped token is not valid for project: " + Printable.text(project.name))
        }
        return .satisfied
    }

    /// `projects: foo, bar` (escaped; see ``UploadCaveat/summary``).
    public var summary: String { "projects: " + CaveatSummary.list(names) }
}

/// Tag 2, `[2,["id",...]]`: the request's project id is one of these (exact: the same UTF-8 bytes).
public struct ProjectIDsCaveat: TaggedUploadCaveat, Hashable {
    /// `2`.
    public static let tag = 2
    /// The allowed project ids.
    public let ids: [String]

    /// Allows these project ids.
    public init(_ ids: [String]) throws(CaveatError) {
        guard !ids.isEmpty, !ids.contains(where: \.isEmpty) else { throw CaveatError("project ids must be a non-empty list of non-empty ids") }
        self.ids = ids
    }

    /// Decodes `[["id",...]]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        ids = try arguments.strings(at: 0, named: "project ids")
    }

    /// `[["id",...]]`.
    public var arguments: [JSONValue] { [.array(ids.map(JSONValue.string))] }

    /// Passes when the request's project id is listed.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        guard let project = request.project else { return .failed("project-scoped token used outside of a project context") }
        guard let id = project.id, ids.contains(where: { UTF8Text.equal($0, id) }) else {
            return .failed("project-scoped token is not valid for project: " + Printable.text(project.name)
                + " (id " + (project.id.map { Printable.text($0, quoted: false) } ?? "unknown") + ")")
        }
        return .satisfied
    }

    /// `project ids: …` (escaped).
    public var summary: String { "project ids: " + CaveatSummary.list(ids) }
}

/// Tag 3, `[3,"user-id"]`: the request is made by this user (the same UTF-8 bytes).
public struct RequestUserCaveat: TaggedUploadCaveat, Hashable {
    /// `3`.
    public static let tag = 3
    /// The user id.
    public let userID: String

    /// Restricts to one user.
    public init(userID: String) throws(CaveatError) {
        guard !userID.isEmpty else { throw CaveatError("the user id must not be empty") }
        self.userID = userID
    }

    /// Decodes `["user-id"]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        userID = try arguments.string(at: 0, named: "user id")
    }

    /// `["user-id"]`.
    public var arguments: [JSONValue] { [.string(userID)] }

    /// Passes when the request is made by the user.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        guard case .user(let id)? = request.identity else { return .failed("token with user restriction without a user") }
        guard UTF8Text.equal(id, userID) else { return .failed("current user does not match user restriction in token") }
        return .satisfied
    }

    /// `user: …` (escaped).
    public var summary: String { "user: " + CaveatSummary.item(userID) }
}

/// Tag 4, `[4,"publisher-id"]` (an optional claims object after the id is
/// accepted and ignored): the request comes from this trusted publisher and
/// the project is one of its projects (ids compared as UTF-8 bytes).
public struct TrustedPublisherCaveat: TaggedUploadCaveat, Hashable {
    /// `4`.
    public static let tag = 4
    /// The publisher id.
    public let publisherID: String

    /// Restricts to one trusted publisher.
    public init(publisherID: String) throws(CaveatError) {
        guard !publisherID.isEmpty else { throw CaveatError("the publisher id must not be empty") }
        self.publisherID = publisherID
    }

    /// Decodes `["publisher-id"]` or `["publisher-id", {claims}]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1, 2)
        publisherID = try arguments.string(at: 0, named: "publisher id")
        if arguments.count == 2 {
            let claims = try arguments.value(at: 1)
            guard case .object = claims else {
                throw CaveatError("the claims of a trusted-publisher caveat must be an object, got \(JSONWriter.describe(claims))")
            }
        }
    }

    /// `["publisher-id"]`.
    public var arguments: [JSONValue] { [.string(publisherID)] }

    /// Passes for the publisher, on one of its projects.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        guard case .trustedPublisher(let id, let projectIDs)? = request.identity else {
            return .failed("OIDC scoped token used outside of an OIDC identified request")
        }
        guard UTF8Text.equal(id, publisherID) else { return .failed("current OIDC provider does not match provider restriction in token") }
        guard let project = request.project else { return .failed("OIDC scoped token used outside of a project context") }
        guard let projectID = project.id, projectIDs.contains(where: { UTF8Text.equal($0, projectID) }) else {
            return .failed("OIDC scoped token is not valid for project " + Printable.text(project.name))
        }
        return .satisfied
    }

    /// `trusted publisher: …` (escaped).
    public var summary: String { "trusted publisher: " + CaveatSummary.item(publisherID) }
}

/// The legacy `{"version":1,"permissions":"user"}` caveat of tokens minted
/// before 2022: the request must be made by a user (any user; these tokens
/// predate user restrictions). A trusted publisher fails it.
public struct LegacyUserCaveat: UploadCaveat, Hashable {
    /// Passes for any user.
    public func evaluate(_ request: UploadRequest) -> CaveatResult {
        guard case .user? = request.identity else { return .failed("token with user restriction without a user") }
        return .satisfied
    }

    /// `any user (legacy)`.
    public var summary: String { "any user (legacy user-scoped token)" }
}
