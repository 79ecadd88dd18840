public import Macaroons
import _MacaroonInternals

/// Tag 2, `[2,["id",...]]`: the request's project id is one of these (exact: the same UTF-8 bytes).
public struct ProjectIDsCaveat: TaggedUploadCaveat, Hashable {
    /// `2`.
    public static let tag = 2
    /// The allowed project ids.
    public let ids: [String]

    /// Allows these project ids.
    public init(_ ids: [String]) throws(CaveatError) {
        guard !ids.isEmpty, !ids.contains(where: \.isEmpty) else { throw CaveatError(.invalidValue, "project ids must be a non-empty list of non-empty ids") }
        self.ids = ids
    }

    /// Decodes `[["id",...]]`.
    public init(arguments: CaveatArguments) throws(CaveatError) {
        try arguments.requireCount(1)
        ids = try arguments.strings(at: 0, named: "project ids")
    }

    /// `[["id",...]]`.
    public var arguments: [CaveatArgument] { [.strings(ids)] }

    /// Passes when the request's project id is listed.
    public func evaluate(_ request: UploadRequest) -> CaveatEvaluation {
        guard let project = request.project else { return .notSatisfied("project-scoped token used outside of a project context") }
        guard let id = project.id, ids.contains(where: { UTF8Text.equal($0, id) }) else {
            let id = project.id.map { Printable.text($0, quoted: false) } ?? "unknown"
            return .notSatisfied(Printable.joined("project-scoped token is not valid for project: ", Printable.text(project.name), " (id ", id, ")"))
        }
        return .satisfied
    }

    /// `project_ids`: `ids`.
    public var details: CaveatDetails { CaveatDetails(kind: "project_ids", fields: [.init("ids", .strings(ids))]) }

    /// `project ids: …` (escaped).
    public var summary: String { "project ids: " + CaveatSummary.list(ids) }

    /// Equal when the ids are the same UTF-8 bytes, in the same order.
    public static func == (lhs: Self, rhs: Self) -> Bool { UTF8Text.equal(lhs.ids, rhs.ids) }

    /// Hashes the ids' UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        for id in ids { UTF8Text.hash(id, into: &hasher) }
    }
}
