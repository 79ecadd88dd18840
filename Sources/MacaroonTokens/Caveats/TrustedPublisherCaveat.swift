public import Macaroons
import _MacaroonInternals

/// Tag 4, `[4,"publisher-id",null]`: the request comes from this trusted
/// publisher and the project is one of its projects (ids compared as UTF-8 bytes).
///
/// Warehouse's `OIDCPublisher` caveat has a deprecated optional `oidc_claims`
/// field that defaults to `None`, and Warehouse writes a caveat as
/// `(tag, *dataclasses.astuple(caveat))`, so every trusted-publishing token
/// PyPI mints carries `[4,"<publisher-id>",null]`. As Warehouse does, the
/// claims may be absent, `null` or an object (ignored); anything else is an error.
public struct TrustedPublisherCaveat: TaggedUploadCaveat, Hashable {
    /// `4`.
    public static let tag = 4
    /// The publisher id.
    public let publisherID: String

    /// Restricts to one trusted publisher.
    public init(publisherID: String) throws(CaveatError) {
        guard !publisherID.isEmpty else { throw CaveatError(.invalidValue, "the publisher id must not be empty") }
        self.publisherID = publisherID
    }

    /// Decodes `["publisher-id"]`, `["publisher-id", null]` or `["publisher-id", {claims}]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1, 2)
        publisherID = try arguments.string(at: 0, named: "publisher id")
        if arguments.count == 2 {
            switch try arguments.value(at: 1) {
            case .null, .object: break
            case let claims:
                throw CaveatError(.invalidArguments, "the claims of a trusted-publisher caveat must be an object or null, got \(JSONWriter.describe(claims))")
            }
        }
    }

    /// `["publisher-id", null]`, as Warehouse writes it.
    public var arguments: [CaveatArgument] { [.string(publisherID), .null] }

    /// Passes for the publisher, on one of its projects.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        guard case .trustedPublisher(let id, let projectIDs)? = request.identity else {
            return .notSatisfied("OIDC scoped token used outside of an OIDC identified request")
        }
        guard UTF8Text.equal(id, publisherID) else { return .notSatisfied("current OIDC publisher does not match publisher restriction in token") }
        guard let project = request.project else { return .notSatisfied("OIDC scoped token used outside of a project context") }
        guard let projectID = project.id, projectIDs.contains(where: { UTF8Text.equal($0, projectID) }) else {
            return .notSatisfied("OIDC scoped token is not valid for project " + Printable.text(project.name))
        }
        return .satisfied
    }

    /// `trusted_publisher`: `publisher_id`.
    public var details: CaveatDetails { CaveatDetails(kind: "trusted_publisher", fields: [.init("publisher_id", .string(publisherID))]) }

    /// `trusted publisher: …` (escaped).
    public var summary: String { "trusted publisher: " + CaveatSummary.item(publisherID) }

    /// Equal when the publisher ids are the same UTF-8 bytes.
    public static func == (lhs: Self, rhs: Self) -> Bool { UTF8Text.equal(lhs.publisherID, rhs.publisherID) }

    /// Hashes the publisher id's UTF-8 bytes.
    public func hash(into hasher: inout Hasher) { UTF8Text.hash(publisherID, into: &hasher) }
}
